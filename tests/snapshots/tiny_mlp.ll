; ModuleID = "graphc.part0"
target triple = "unknown-unknown-unknown"
target datalayout = ""

define internal void @"k0_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", ptr noalias %".6", i64 %".7", i64 %".8") noinline nounwind
{
entry:
  %".10" = alloca i8
  store i8 78, i8* %".10"
  %".12" = alloca i8
  store i8 78, i8* %".12"
  %".14" = alloca i64
  store i64 16, i64* %".14"
  %".16" = alloca i64
  store i64 16, i64* %".16"
  %".18" = alloca i64
  store i64 8, i64* %".18"
  %".20" = alloca float
  store float 0x3ff0000000000000, float* %".20"
  %".22" = alloca i64
  store i64 16, i64* %".22"
  %".24" = alloca i64
  store i64 8, i64* %".24"
  %".26" = alloca float
  store float              0x0, float* %".26"
  %".28" = alloca i64
  store i64 16, i64* %".28"
  %".30" = getelementptr float, ptr %".1", i64 0
  %".31" = getelementptr float, ptr %".2", i64 0
  %".32" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".10", i8* %".12", i64* %".14", i64* %".16", i64* %".18", float* %".20", ptr %".31", i64* %".22", ptr %".30", i64* %".24", float* %".26", ptr %".32", i64* %".28")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".7", %"entry"], [%".59", %"d1.done"]
  %".35" = icmp slt i64 %"i0", %".8"
  br i1 %".35", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".57", %"d1.body"]
  %".38" = icmp slt i64 %"i1", 16
  br i1 %".38", label %"d1.body", label %"d1.done"
d1.body:
  %".40" = mul i64 %"i0", 16
  %".41" = add i64 %".40", %"i1"
  %".42" = getelementptr inbounds float, ptr %".3", i64 %".41"
  %".43" = load float, ptr %".42", !llvm.access.group !0
  %".44" = getelementptr inbounds float, ptr %".4", i64 %"i1"
  %".45" = load float, ptr %".44", !llvm.access.group !0
  %".46" = fadd float %".43", %".45"
  %".47" = fcmp ogt float %".46",              0x0
  %".48" = fcmp uno float %".46", %".46"
  %".49" = or i1 %".47", %".48"
  %".50" = select  i1 %".49", float %".46", float              0x0
  %".51" = getelementptr inbounds float, ptr %".5", i64 %".41"
  store float %".50", ptr %".51", !llvm.access.group !0
  %".53" = fcmp ogt float %".46",              0x0
  %".54" = uitofp i1 %".53" to float
  %".55" = getelementptr inbounds float, ptr %".6", i64 %".41"
  store float %".54", ptr %".55", !llvm.access.group !0
  %".57" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !3
d1.done:
  %".59" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !4
}

declare void @"graphc_sgemm"(ptr %".1", ptr %".2", ptr %".3", ptr %".4", ptr %".5", ptr %".6", ptr %".7", ptr %".8", ptr %".9", ptr %".10", ptr %".11", ptr %".12", ptr %".13")

define void @"k0_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  %".18" = getelementptr i64, ptr %".2", i64 3
  %".19" = load i64, ptr %".18"
  %".20" = getelementptr ptr, ptr %".1", i64 %".19"
  %".21" = load ptr, ptr %".20"
  %".22" = getelementptr i64, ptr %".2", i64 4
  %".23" = load i64, ptr %".22"
  %".24" = getelementptr ptr, ptr %".1", i64 %".23"
  %".25" = load ptr, ptr %".24"
  %".26" = getelementptr i64, ptr %".2", i64 5
  %".27" = load i64, ptr %".26"
  %".28" = getelementptr ptr, ptr %".1", i64 %".27"
  %".29" = load ptr, ptr %".28"
  call void @"k0_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", ptr %".29", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k1_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", i64 %".6", i64 %".7") noinline nounwind
{
entry:
  %".9" = alloca i8
  store i8 78, i8* %".9"
  %".11" = alloca i8
  store i8 78, i8* %".11"
  %".13" = alloca i64
  store i64 4, i64* %".13"
  %".15" = alloca i64
  store i64 16, i64* %".15"
  %".17" = alloca i64
  store i64 16, i64* %".17"
  %".19" = alloca float
  store float 0x3ff0000000000000, float* %".19"
  %".21" = alloca i64
  store i64 4, i64* %".21"
  %".23" = alloca i64
  store i64 16, i64* %".23"
  %".25" = alloca float
  store float              0x0, float* %".25"
  %".27" = alloca i64
  store i64 4, i64* %".27"
  %".29" = getelementptr float, ptr %".1", i64 0
  %".30" = getelementptr float, ptr %".2", i64 0
  %".31" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".9", i8* %".11", i64* %".13", i64* %".15", i64* %".17", float* %".19", ptr %".30", i64* %".21", ptr %".29", i64* %".23", float* %".25", ptr %".31", i64* %".27")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".6", %"entry"], [%".50", %"d1.done"]
  %".34" = icmp slt i64 %"i0", %".7"
  br i1 %".34", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".48", %"d1.body"]
  %".37" = icmp slt i64 %"i1", 4
  br i1 %".37", label %"d1.body", label %"d1.done"
d1.body:
  %".39" = mul i64 %"i0", 4
  %".40" = add i64 %".39", %"i1"
  %".41" = getelementptr inbounds float, ptr %".3", i64 %".40"
  %".42" = load float, ptr %".41", !llvm.access.group !0
  %".43" = getelementptr inbounds float, ptr %".4", i64 %"i1"
  %".44" = load float, ptr %".43", !llvm.access.group !0
  %".45" = fadd float %".42", %".44"
  %".46" = getelementptr inbounds float, ptr %".5", i64 %".40"
  store float %".45", ptr %".46", !llvm.access.group !0
  %".48" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !5
d1.done:
  %".50" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !6
}

define void @"k1_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  %".18" = getelementptr i64, ptr %".2", i64 3
  %".19" = load i64, ptr %".18"
  %".20" = getelementptr ptr, ptr %".1", i64 %".19"
  %".21" = load ptr, ptr %".20"
  %".22" = getelementptr i64, ptr %".2", i64 4
  %".23" = load i64, ptr %".22"
  %".24" = getelementptr ptr, ptr %".1", i64 %".23"
  %".25" = load ptr, ptr %".24"
  call void @"k1_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k2_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", ptr noalias %".6", ptr noalias %".7", i64 %".8", i64 %".9") noinline nounwind
{
entry:
  %".11" = alloca float, i32 1
  %".12" = alloca double, i32 8
  %".13" = alloca double, i32 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".8", %"entry"], [%".144", %"d1.done.2"]
  %".15" = icmp slt i64 %"i0", %".9"
  br i1 %".15", label %"d0.body", label %"d0.done"
d0.body:
  store float 0xfff0000000000000, float* %".11", align 4
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".35", %"d1.body"]
  %".19" = icmp slt i64 %"i1", 4
  br i1 %".19", label %"d1.body", label %"d1.done"
d1.body:
  %".21" = getelementptr float, float* %".11", i64 0
  %".22" = load float, float* %".21"
  %".23" = mul i64 %"i0", 4
  %".24" = add i64 %".23", %"i1"
  %".25" = getelementptr inbounds float, ptr %".1", i64 %".24"
  %".26" = load float, ptr %".25"
  %".27" = fcmp ugt float %".26", %".22"
  %".28" = fcmp uno float %".26", %".26"
  %".29" = or i1 %".27", %".28"
  %".30" = fcmp uno float %".22", %".22"
  %".31" = xor i1 %".30", -1
  %".32" = and i1 %".29", %".31"
  %".33" = select  i1 %".32", float %".26", float %".22"
  store float %".33", float* %".21"
  %".35" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !7
d1.done:
  %".37" = load float, float* %".11"
  %".38" = bitcast double* %".12" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".38", align 8
  br label %"d1.head.1"
d1.head.1:
  %"i1.1" = phi  i64 [0, %"d1.done"], [%".60", %"d1.body.1"]
  %".41" = icmp slt i64 %"i1.1", 4
  br i1 %".41", label %"d1.body.1", label %"d1.done.1"
d1.body.1:
  %".43" = sub i64 %"i1.1", 0
  %".44" = getelementptr double, double* %".12", i64 %".43"
  %".45" = load double, double* %".44", !llvm.access.group !0
  %".46" = mul i64 %"i0", 4
  %".47" = add i64 %".46", %"i1.1"
  %".48" = getelementptr inbounds float, ptr %".1", i64 %".47"
  %".49" = load float, ptr %".48", !llvm.access.group !0
  %".50" = call float @"llvm.fabs.f32"(float %".37")
  %".51" = fcmp oeq float %".50", 0x7ff0000000000000
  %".52" = select  i1 %".51", float              0x0, float %".37"
  %".53" = fsub float %".49", %".52"
  %".54" = call float @"graphc.vecmath.exp.f32.call"(float %".53")
  %".55" = fpext float %".54" to double
  %".56" = fadd double %".45", %".55"
  store double %".56", double* %".44", !llvm.access.group !0
  %".58" = getelementptr inbounds float, ptr %".2", i64 %".47"
  store float %".54", ptr %".58", !llvm.access.group !0
  %".60" = add nsw nuw i64 %"i1.1", 1
  br label %"d1.head.1", !llvm.loop !8
d1.done.1:
  %".62" = bitcast double* %".12" to <8 x double>*
  %".63" = load <8 x double>, <8 x double>* %".62", align 8
  %".64" = shufflevector <8 x double> %".63", <8 x double> %".63", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".65" = shufflevector <8 x double> %".63", <8 x double> %".63", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".66" = fadd <4 x double> %".64", %".65"
  %".67" = shufflevector <4 x double> %".66", <4 x double> %".66", <2 x i32> <i32 0, i32 1>
  %".68" = shufflevector <4 x double> %".66", <4 x double> %".66", <2 x i32> <i32 2, i32 3>
  %".69" = fadd <2 x double> %".67", %".68"
  %".70" = shufflevector <2 x double> %".69", <2 x double> %".69", <1 x i32> <i32 0>
  %".71" = shufflevector <2 x double> %".69", <2 x double> %".69", <1 x i32> <i32 1>
  %".72" = fadd <1 x double> %".70", %".71"
  %".73" = extractelement <1 x double> %".72", i32 0
  %".74" = bitcast double* %".13" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".74", align 8
  br label %"d1.head.2"
d1.head.2:
  %"i1.2" = phi  i64 [0, %"d1.done.1"], [%".107", %"d1.body.2"]
  %".77" = icmp slt i64 %"i1.2", 4
  br i1 %".77", label %"d1.body.2", label %"d1.done.2"
d1.body.2:
  %".79" = sub i64 %"i1.2", 0
  %".80" = getelementptr double, double* %".13", i64 %".79"
  %".81" = load double, double* %".80", !llvm.access.group !0
  %".82" = getelementptr inbounds i32, ptr %".5", i64 %"i0"
  %".83" = load i32, ptr %".82", !llvm.access.group !0
  %".84" = sext i32 %".83" to i64
  %".85" = icmp eq i64 %".84", %"i1.2"
  %".86" = uitofp i1 %".85" to float
  %".87" = mul i64 %"i0", 4
  %".88" = add i64 %".87", %"i1.2"
  %".89" = getelementptr inbounds float, ptr %".1", i64 %".88"
  %".90" = load float, ptr %".89", !llvm.access.group !0
  %".91" = fptrunc double %".73" to float
  %".92" = fcmp oeq float %".91",              0x0
  %".93" = select  i1 %".92", float 0x3ff0000000000000, float %".91"
  %".94" = call float @"graphc.vecmath.log.f32.call"(float %".93")
  %".95" = call float @"llvm.fabs.f32"(float %".37")
  %".96" = fcmp oeq float %".95", 0x7ff0000000000000
  %".97" = select  i1 %".96", float              0x0, float %".37"
  %".98" = fadd float %".94", %".97"
  %".99" = select  i1 %".92", float 0xfff0000000000000, float %".98"
  %".100" = fcmp oeq float %".99", 0xfff0000000000000
  %".101" = select  i1 %".100", float              0x0, float %".99"
  %".102" = fsub float %".90", %".101"
  %".103" = fmul float %".86", %".102"
  %".104" = fpext float %".103" to double
  %".105" = fadd double %".81", %".104"
  store double %".105", double* %".80", !llvm.access.group !0
  %".107" = add nsw nuw i64 %"i1.2", 1
  br label %"d1.head.2", !llvm.loop !9
d1.done.2:
  %".109" = bitcast double* %".13" to <8 x double>*
  %".110" = load <8 x double>, <8 x double>* %".109", align 8
  %".111" = shufflevector <8 x double> %".110", <8 x double> %".110", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".112" = shufflevector <8 x double> %".110", <8 x double> %".110", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".113" = fadd <4 x double> %".111", %".112"
  %".114" = shufflevector <4 x double> %".113", <4 x double> %".113", <2 x i32> <i32 0, i32 1>
  %".115" = shufflevector <4 x double> %".113", <4 x double> %".113", <2 x i32> <i32 2, i32 3>
  %".116" = fadd <2 x double> %".114", %".115"
  %".117" = shufflevector <2 x double> %".116", <2 x double> %".116", <1 x i32> <i32 0>
  %".118" = shufflevector <2 x double> %".116", <2 x double> %".116", <1 x i32> <i32 1>
  %".119" = fadd <1 x double> %".117", %".118"
  %".120" = extractelement <1 x double> %".119", i32 0
  %".121" = fptrunc double %".73" to float
  %".122" = fcmp oeq float %".121",              0x0
  %".123" = zext i1 %".122" to i8
  %".124" = getelementptr inbounds i8, ptr %".3", i64 %"i0"
  store i8 %".123", ptr %".124"
  %".126" = select  i1 %".122", float 0x3ff0000000000000, float %".121"
  %".127" = call float @"graphc.vecmath.log.f32.call"(float %".126")
  %".128" = call float @"llvm.fabs.f32"(float %".37")
  %".129" = fcmp oeq float %".128", 0x7ff0000000000000
  %".130" = select  i1 %".129", float              0x0, float %".37"
  %".131" = fadd float %".127", %".130"
  %".132" = select  i1 %".122", float 0xfff0000000000000, float %".131"
  %".133" = fcmp oeq float %".132", 0xfff0000000000000
  %".134" = zext i1 %".133" to i8
  %".135" = getelementptr inbounds i8, ptr %".4", i64 %"i0"
  store i8 %".134", ptr %".135"
  %".137" = fptrunc double %".120" to float
  %".138" = fneg float %".137"
  %".139" = getelementptr inbounds float, ptr %".6", i64 %"i0"
  store float %".138", ptr %".139"
  %".141" = fdiv float 0x3ff0000000000000, %".126"
  %".142" = getelementptr inbounds float, ptr %".7", i64 %"i0"
  store float %".141", ptr %".142"
  %".144" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !10
}

declare float @"llvm.fabs.f32"(float %".1")

define internal float @"graphc.vecmath.exp.f32.call"(float %".1") "vector-function-abi-variant"="_ZGV_LLVM_N8v_graphc.vecmath.exp.f32.call(graphc.vecmath.exp.v8f32.call)" noinline nounwind readnone
{
entry:
  %".3" = fcmp ogt float %".1", 0x4056400000000000
  %".4" = select  i1 %".3", float 0x4056400000000000, float %".1"
  %".5" = fcmp olt float %".4", 0xc05a000000000000
  %".6" = select  i1 %".5", float 0xc05a000000000000, float %".4"
  %".7" = call float @"llvm.fmuladd.f32"(float %".6", float 0x3ff7154760000000, float 0x4168000000000000)
  %".8" = fsub float %".7", 0x4168000000000000
  %".9" = bitcast float %".7" to i32
  %".10" = sub i32 %".9", 1262485504
  %".11" = call float @"llvm.fmuladd.f32"(float %".8", float 0xbfe62e4000000000, float %".6")
  %".12" = call float @"llvm.fmuladd.f32"(float %".8", float 0xbeb7f7d1c0000000, float %".11")
  %".13" = fmul float %".12", %".12"
  %".14" = call float @"llvm.fmuladd.f32"(float 0x3f56bec000000000, float %".12", float 0x3f812279c0000000)
  %".15" = call float @"llvm.fmuladd.f32"(float %".14", float %".12", float 0x3fa5556740000000)
  %".16" = call float @"llvm.fmuladd.f32"(float %".15", float %".12", float 0x3fc5554b00000000)
  %".17" = call float @"llvm.fmuladd.f32"(float %".16", float %".12", float 0x3fdfffffe0000000)
  %".18" = call float @"llvm.fmuladd.f32"(float %".13", float %".17", float %".12")
  %".19" = ashr i32 %".10", 1
  %".20" = add i32 %".19", 127
  %".21" = shl i32 %".20", 23
  %".22" = bitcast i32 %".21" to float
  %".23" = call float @"llvm.fmuladd.f32"(float %".22", float %".18", float %".22")
  %".24" = sub i32 %".10", %".19"
  %".25" = add i32 %".24", 127
  %".26" = shl i32 %".25", 23
  %".27" = bitcast i32 %".26" to float
  %".28" = fmul float %".23", %".27"
  ret float %".28"
}

declare float @"llvm.fmuladd.f32"(float %".1", float %".2", float %".3")

define internal <8 x float> @"graphc.vecmath.exp.v8f32.call"(<8 x float> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp ogt <8 x float> %".1", <float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000>
  %".4" = select  <8 x i1> %".3", <8 x float> <float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000, float 0x4056400000000000>, <8 x float> %".1"
  %".5" = fcmp olt <8 x float> %".4", <float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000>
  %".6" = select  <8 x i1> %".5", <8 x float> <float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000, float 0xc05a000000000000>, <8 x float> %".4"
  %".7" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".6", <8 x float> <float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000>, <8 x float> <float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000>)
  %".8" = fsub <8 x float> %".7", <float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000>
  %".9" = bitcast <8 x float> %".7" to <8 x i32>
  %".10" = sub <8 x i32> %".9", <i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504>
  %".11" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".8", <8 x float> <float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000>, <8 x float> %".6")
  %".12" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".8", <8 x float> <float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000>, <8 x float> %".11")
  %".13" = fmul <8 x float> %".12", %".12"
  %".14" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> <float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000>, <8 x float> %".12", <8 x float> <float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000>)
  %".15" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".14", <8 x float> %".12", <8 x float> <float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000>)
  %".16" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".15", <8 x float> %".12", <8 x float> <float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000>)
  %".17" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".16", <8 x float> %".12", <8 x float> <float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000>)
  %".18" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".13", <8 x float> %".17", <8 x float> %".12")
  %".19" = ashr <8 x i32> %".10", <i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1, i32 1>
  %".20" = add <8 x i32> %".19", <i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127>
  %".21" = shl <8 x i32> %".20", <i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23>
  %".22" = bitcast <8 x i32> %".21" to <8 x float>
  %".23" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".22", <8 x float> %".18", <8 x float> %".22")
  %".24" = sub <8 x i32> %".10", %".19"
  %".25" = add <8 x i32> %".24", <i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127>
  %".26" = shl <8 x i32> %".25", <i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23>
  %".27" = bitcast <8 x i32> %".26" to <8 x float>
  %".28" = fmul <8 x float> %".23", %".27"
  ret <8 x float> %".28"
}

declare <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".1", <8 x float> %".2", <8 x float> %".3")

define internal float @"graphc.vecmath.log.f32.call"(float %".1") "vector-function-abi-variant"="_ZGV_LLVM_N8v_graphc.vecmath.log.f32.call(graphc.vecmath.log.v8f32.call)" noinline nounwind readnone
{
entry:
  %".3" = fcmp olt float %".1", 0x3810000000000000
  %".4" = fmul float %".1", 0x4160000000000000
  %".5" = select  i1 %".3", float %".4", float %".1"
  %".6" = bitcast float %".5" to i32
  %".7" = sub i32 %".6", 1060439283
  %".8" = ashr i32 %".7", 23
  %".9" = and i32 %".7", 8388607
  %".10" = add i32 %".9", 1060439283
  %".11" = bitcast i32 %".10" to float
  %".12" = select  i1 %".3", i32 23, i32 0
  %".13" = sub i32 %".8", %".12"
  %".14" = fsub float %".11", 0x3ff0000000000000
  %".15" = add i32 %".13", 1262485504
  %".16" = bitcast i32 %".15" to float
  %".17" = fsub float %".16", 0x4168000000000000
  %".18" = fadd float 0x4000000000000000, %".14"
  %".19" = fdiv float %".14", %".18"
  %".20" = fmul float %".19", %".19"
  %".21" = call float @"llvm.fmuladd.f32"(float 0x3fd3270200000000, float %".20", float 0x3fd995ae40000000)
  %".22" = call float @"llvm.fmuladd.f32"(float %".21", float %".20", float 0x3fe55557a0000000)
  %".23" = fmul float %".20", %".22"
  %".24" = fmul float 0x3fe0000000000000, %".14"
  %".25" = fmul float %".24", %".14"
  %".26" = fadd float %".25", %".23"
  %".27" = call float @"llvm.fmuladd.f32"(float %".17", float 0x3eb7f7d1c0000000, float              0x0)
  %".28" = call float @"llvm.fmuladd.f32"(float %".19", float %".26", float %".27")
  %".29" = fsub float %".25", %".28"
  %".30" = fsub float %".29", %".14"
  %".31" = fneg float %".30"
  %".32" = call float @"llvm.fmuladd.f32"(float %".17", float 0x3fe62e4000000000, float %".31")
  %".33" = fcmp oeq float %".1", 0x7ff0000000000000
  %".34" = select  i1 %".33", float %".1", float %".32"
  %".35" = fcmp oeq float %".1",              0x0
  %".36" = select  i1 %".35", float 0xfff0000000000000, float %".34"
  %".37" = fcmp ult float %".1",              0x0
  %".38" = select  i1 %".37", float 0x7ff8000000000000, float %".36"
  ret float %".38"
}

define internal <8 x float> @"graphc.vecmath.log.v8f32.call"(<8 x float> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp olt <8 x float> %".1", <float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000, float 0x3810000000000000>
  %".4" = fmul <8 x float> %".1", <float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000, float 0x4160000000000000>
  %".5" = select  <8 x i1> %".3", <8 x float> %".4", <8 x float> %".1"
  %".6" = bitcast <8 x float> %".5" to <8 x i32>
  %".7" = sub <8 x i32> %".6", <i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283>
  %".8" = ashr <8 x i32> %".7", <i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23>
  %".9" = and <8 x i32> %".7", <i32 8388607, i32 8388607, i32 8388607, i32 8388607, i32 8388607, i32 8388607, i32 8388607, i32 8388607>
  %".10" = add <8 x i32> %".9", <i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283, i32 1060439283>
  %".11" = bitcast <8 x i32> %".10" to <8 x float>
  %".12" = select  <8 x i1> %".3", <8 x i32> <i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23>, <8 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".13" = sub <8 x i32> %".8", %".12"
  %".14" = fsub <8 x float> %".11", <float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000>
  %".15" = add <8 x i32> %".13", <i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504>
  %".16" = bitcast <8 x i32> %".15" to <8 x float>
  %".17" = fsub <8 x float> %".16", <float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000>
  %".18" = fadd <8 x float> <float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000, float 0x4000000000000000>, %".14"
  %".19" = fdiv <8 x float> %".14", %".18"
  %".20" = fmul <8 x float> %".19", %".19"
  %".21" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> <float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000, float 0x3fd3270200000000>, <8 x float> %".20", <8 x float> <float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000, float 0x3fd995ae40000000>)
  %".22" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".21", <8 x float> %".20", <8 x float> <float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000, float 0x3fe55557a0000000>)
  %".23" = fmul <8 x float> %".20", %".22"
  %".24" = fmul <8 x float> <float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000, float 0x3fe0000000000000>, %".14"
  %".25" = fmul <8 x float> %".24", %".14"
  %".26" = fadd <8 x float> %".25", %".23"
  %".27" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".17", <8 x float> <float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000, float 0x3eb7f7d1c0000000>, <8 x float> <float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0>)
  %".28" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".19", <8 x float> %".26", <8 x float> %".27")
  %".29" = fsub <8 x float> %".25", %".28"
  %".30" = fsub <8 x float> %".29", %".14"
  %".31" = fneg <8 x float> %".30"
  %".32" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".17", <8 x float> <float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000, float 0x3fe62e4000000000>, <8 x float> %".31")
  %".33" = fcmp oeq <8 x float> %".1", <float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000, float 0x7ff0000000000000>
  %".34" = select  <8 x i1> %".33", <8 x float> %".1", <8 x float> %".32"
  %".35" = fcmp oeq <8 x float> %".1", <float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0>
  %".36" = select  <8 x i1> %".35", <8 x float> <float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000, float 0xfff0000000000000>, <8 x float> %".34"
  %".37" = fcmp ult <8 x float> %".1", <float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0, float              0x0>
  %".38" = select  <8 x i1> %".37", <8 x float> <float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000, float 0x7ff8000000000000>, <8 x float> %".36"
  ret <8 x float> %".38"
}

define void @"k2_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  %".18" = getelementptr i64, ptr %".2", i64 3
  %".19" = load i64, ptr %".18"
  %".20" = getelementptr ptr, ptr %".1", i64 %".19"
  %".21" = load ptr, ptr %".20"
  %".22" = getelementptr i64, ptr %".2", i64 4
  %".23" = load i64, ptr %".22"
  %".24" = getelementptr ptr, ptr %".1", i64 %".23"
  %".25" = load ptr, ptr %".24"
  %".26" = getelementptr i64, ptr %".2", i64 5
  %".27" = load i64, ptr %".26"
  %".28" = getelementptr ptr, ptr %".1", i64 %".27"
  %".29" = load ptr, ptr %".28"
  %".30" = getelementptr i64, ptr %".2", i64 6
  %".31" = load i64, ptr %".30"
  %".32" = getelementptr ptr, ptr %".1", i64 %".31"
  %".33" = load ptr, ptr %".32"
  call void @"k2_loop.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", ptr %".29", ptr %".33", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k3_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = bitcast double* %".6" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".7", align 8
  br label %"d4000.head"
d4000.head:
  %"i4000" = phi  i64 [0, %"entry"], [%".26", %"d5000.done"]
  %".10" = icmp slt i64 %"i4000", 2
  br i1 %".10", label %"d4000.body", label %"d4000.done"
d4000.body:
  %".12" = mul i64 %"i4000", 8
  br label %"d5000.head"
d4000.done:
  %".28" = bitcast double* %".6" to <8 x double>*
  %".29" = load <8 x double>, <8 x double>* %".28", align 8
  %".30" = shufflevector <8 x double> %".29", <8 x double> %".29", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".31" = shufflevector <8 x double> %".29", <8 x double> %".29", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".32" = fadd <4 x double> %".30", %".31"
  %".33" = shufflevector <4 x double> %".32", <4 x double> %".32", <2 x i32> <i32 0, i32 1>
  %".34" = shufflevector <4 x double> %".32", <4 x double> %".32", <2 x i32> <i32 2, i32 3>
  %".35" = fadd <2 x double> %".33", %".34"
  %".36" = shufflevector <2 x double> %".35", <2 x double> %".35", <1 x i32> <i32 0>
  %".37" = shufflevector <2 x double> %".35", <2 x double> %".35", <1 x i32> <i32 1>
  %".38" = fadd <1 x double> %".36", %".37"
  %".39" = extractelement <1 x double> %".38", i32 0
  %".40" = fptrunc double %".39" to float
  %".41" = fdiv float %".40", 0x4030000000000000
  %".42" = getelementptr inbounds float, ptr %".2", i64 0
  store float %".41", ptr %".42"
  ret void
d5000.head:
  %"i5000" = phi  i64 [0, %"d4000.body"], [%".24", %"d5000.body"]
  %".14" = icmp slt i64 %"i5000", 8
  br i1 %".14", label %"d5000.body", label %"d5000.done"
d5000.body:
  %".16" = add i64 %".12", %"i5000"
  %".17" = getelementptr double, double* %".6", i64 %"i5000"
  %".18" = load double, double* %".17", !llvm.access.group !0
  %".19" = getelementptr inbounds float, ptr %".1", i64 %".16"
  %".20" = load float, ptr %".19", !llvm.access.group !0
  %".21" = fpext float %".20" to double
  %".22" = fadd double %".18", %".21"
  store double %".22", double* %".17", !llvm.access.group !0
  %".24" = add nsw nuw i64 %"i5000", 1
  br label %"d5000.head", !llvm.loop !12
d5000.done:
  %".26" = add nsw nuw i64 %"i4000", 1
  br label %"d4000.head", !llvm.loop !13
}

define void @"k3_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  call void @"k3_loop.body"(ptr %".9", ptr %".13", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k4_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", ptr noalias %".6", i64 %".7", i64 %".8") noinline nounwind
{
entry:
  %".10" = alloca double, i32 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".7", %"entry"], [%".80", %"d1.done.1"]
  %".12" = icmp slt i64 %"i0", %".8"
  br i1 %".12", label %"d0.body", label %"d0.done"
d0.body:
  %".14" = bitcast double* %".10" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".14", align 8
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".32", %"d1.body"]
  %".17" = icmp slt i64 %"i1", 4
  br i1 %".17", label %"d1.body", label %"d1.done"
d1.body:
  %".19" = sub i64 %"i1", 0
  %".20" = getelementptr double, double* %".10", i64 %".19"
  %".21" = load double, double* %".20", !llvm.access.group !0
  %".22" = getelementptr inbounds i32, ptr %".1", i64 %"i0"
  %".23" = load i32, ptr %".22", !llvm.access.group !0
  %".24" = sext i32 %".23" to i64
  %".25" = icmp eq i64 %".24", %"i1"
  %".26" = uitofp i1 %".25" to float
  %".27" = fmul float 0xbfb0000000000000, %".26"
  %".28" = fneg float %".27"
  %".29" = fpext float %".28" to double
  %".30" = fadd double %".21", %".29"
  store double %".30", double* %".20", !llvm.access.group !0
  %".32" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !14
d1.done:
  %".34" = bitcast double* %".10" to <8 x double>*
  %".35" = load <8 x double>, <8 x double>* %".34", align 8
  %".36" = shufflevector <8 x double> %".35", <8 x double> %".35", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".37" = shufflevector <8 x double> %".35", <8 x double> %".35", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".38" = fadd <4 x double> %".36", %".37"
  %".39" = shufflevector <4 x double> %".38", <4 x double> %".38", <2 x i32> <i32 0, i32 1>
  %".40" = shufflevector <4 x double> %".38", <4 x double> %".38", <2 x i32> <i32 2, i32 3>
  %".41" = fadd <2 x double> %".39", %".40"
  %".42" = shufflevector <2 x double> %".41", <2 x double> %".41", <1 x i32> <i32 0>
  %".43" = shufflevector <2 x double> %".41", <2 x double> %".41", <1 x i32> <i32 1>
  %".44" = fadd <1 x double> %".42", %".43"
  %".45" = extractelement <1 x double> %".44", i32 0
  br label %"d1.head.1"
d1.head.1:
  %"i1.1" = phi  i64 [0, %"d1.done"], [%".78", %"d1.body.1"]
  %".47" = icmp slt i64 %"i1.1", 4
  br i1 %".47", label %"d1.body.1", label %"d1.done.1"
d1.body.1:
  %".49" = getelementptr inbounds i32, ptr %".1", i64 %"i0"
  %".50" = load i32, ptr %".49", !llvm.access.group !0
  %".51" = sext i32 %".50" to i64
  %".52" = icmp eq i64 %".51", %"i1.1"
  %".53" = uitofp i1 %".52" to float
  %".54" = fmul float 0xbfb0000000000000, %".53"
  %".55" = getelementptr inbounds i8, ptr %".3", i64 %"i0"
  %".56" = load i8, ptr %".55", !llvm.access.group !0
  %".57" = trunc i8 %".56" to i1
  %".58" = getelementptr inbounds i8, ptr %".2", i64 %"i0"
  %".59" = load i8, ptr %".58", !llvm.access.group !0
  %".60" = trunc i8 %".59" to i1
  %".61" = fptrunc double %".45" to float
  %".62" = select  i1 %".60", float              0x0, float %".61"
  %".63" = select  i1 %".57", float              0x0, float %".62"
  %".64" = fcmp oeq float %".63",              0x0
  %".65" = getelementptr inbounds float, ptr %".4", i64 %"i0"
  %".66" = load float, ptr %".65", !llvm.access.group !0
  %".67" = fmul float %".63", %".66"
  %".68" = select  i1 %".64", float              0x0, float %".67"
  %".69" = select  i1 %".57", float              0x0, float %".68"
  %".70" = mul i64 %"i0", 4
  %".71" = add i64 %".70", %"i1.1"
  %".72" = getelementptr inbounds float, ptr %".5", i64 %".71"
  %".73" = load float, ptr %".72", !llvm.access.group !0
  %".74" = fmul float %".69", %".73"
  %".75" = fadd float %".54", %".74"
  %".76" = getelementptr inbounds float, ptr %".6", i64 %".71"
  store float %".75", ptr %".76", !llvm.access.group !0
  %".78" = add nsw nuw i64 %"i1.1", 1
  br label %"d1.head.1", !llvm.loop !15
d1.done.1:
  %".80" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !16
}

define void @"k4_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  %".18" = getelementptr i64, ptr %".2", i64 3
  %".19" = load i64, ptr %".18"
  %".20" = getelementptr ptr, ptr %".1", i64 %".19"
  %".21" = load ptr, ptr %".20"
  %".22" = getelementptr i64, ptr %".2", i64 4
  %".23" = load i64, ptr %".22"
  %".24" = getelementptr ptr, ptr %".1", i64 %".23"
  %".25" = load ptr, ptr %".24"
  %".26" = getelementptr i64, ptr %".2", i64 5
  %".27" = load i64, ptr %".26"
  %".28" = getelementptr ptr, ptr %".1", i64 %".27"
  %".29" = load ptr, ptr %".28"
  call void @"k4_loop.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", ptr %".29", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k5_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", i64 %".6", i64 %".7") noinline nounwind
{
entry:
  %".9" = alloca i8
  store i8 84, i8* %".9"
  %".11" = alloca i8
  store i8 78, i8* %".11"
  %".13" = alloca i64
  store i64 16, i64* %".13"
  %".15" = alloca i64
  store i64 16, i64* %".15"
  %".17" = alloca i64
  store i64 4, i64* %".17"
  %".19" = alloca float
  store float 0x3ff0000000000000, float* %".19"
  %".21" = alloca i64
  store i64 4, i64* %".21"
  %".23" = alloca i64
  store i64 4, i64* %".23"
  %".25" = alloca float
  store float              0x0, float* %".25"
  %".27" = alloca i64
  store i64 16, i64* %".27"
  %".29" = getelementptr float, ptr %".1", i64 0
  %".30" = getelementptr float, ptr %".2", i64 0
  %".31" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".9", i8* %".11", i64* %".13", i64* %".15", i64* %".17", float* %".19", ptr %".30", i64* %".21", ptr %".29", i64* %".23", float* %".25", ptr %".31", i64* %".27")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".6", %"entry"], [%".50", %"d1.done"]
  %".34" = icmp slt i64 %"i0", %".7"
  br i1 %".34", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".48", %"d1.body"]
  %".37" = icmp slt i64 %"i1", 16
  br i1 %".37", label %"d1.body", label %"d1.done"
d1.body:
  %".39" = mul i64 %"i0", 16
  %".40" = add i64 %".39", %"i1"
  %".41" = getelementptr inbounds float, ptr %".3", i64 %".40"
  %".42" = load float, ptr %".41", !llvm.access.group !0
  %".43" = getelementptr inbounds float, ptr %".4", i64 %".40"
  %".44" = load float, ptr %".43", !llvm.access.group !0
  %".45" = fmul float %".42", %".44"
  %".46" = getelementptr inbounds float, ptr %".5", i64 %".40"
  store float %".45", ptr %".46", !llvm.access.group !0
  %".48" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !17
d1.done:
  %".50" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !18
}

define void @"k5_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  %".18" = getelementptr i64, ptr %".2", i64 3
  %".19" = load i64, ptr %".18"
  %".20" = getelementptr ptr, ptr %".1", i64 %".19"
  %".21" = load ptr, ptr %".20"
  %".22" = getelementptr i64, ptr %".2", i64 4
  %".23" = load i64, ptr %".22"
  %".24" = getelementptr ptr, ptr %".1", i64 %".23"
  %".25" = load ptr, ptr %".24"
  call void @"k5_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k6_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = alloca i8
  store i8 78, i8* %".7"
  %".9" = alloca i8
  store i8 84, i8* %".9"
  %".11" = alloca i64
  store i64 16, i64* %".11"
  %".13" = alloca i64
  store i64 8, i64* %".13"
  %".15" = alloca i64
  store i64 16, i64* %".15"
  %".17" = alloca float
  store float 0x3ff0000000000000, float* %".17"
  %".19" = alloca i64
  store i64 16, i64* %".19"
  %".21" = alloca i64
  store i64 8, i64* %".21"
  %".23" = alloca float
  store float              0x0, float* %".23"
  %".25" = alloca i64
  store i64 16, i64* %".25"
  %".27" = getelementptr float, ptr %".1", i64 0
  %".28" = getelementptr float, ptr %".2", i64 0
  %".29" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".7", i8* %".9", i64* %".11", i64* %".13", i64* %".15", float* %".17", ptr %".28", i64* %".19", ptr %".27", i64* %".21", float* %".23", ptr %".29", i64* %".25")
  ret void
}

define void @"k6_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  call void @"k6_matmul.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k7_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = alloca double, i32 512
  %".8" = sub i64 %".4", %".3"
  %".9" = add i64 %".8", 63
  %".10" = sdiv i64 %".9", 64
  br label %"d3000.head"
d3000.head:
  %"i3000" = phi  i64 [0, %"entry"], [%".110", %"d3001.done.2"]
  %".12" = icmp slt i64 %"i3000", %".10"
  br i1 %".12", label %"d3000.body", label %"d3000.done"
d3000.body:
  %".14" = mul i64 %"i3000", 64
  %".15" = add i64 %".3", %".14"
  %".16" = sub i64 %".4", %".15"
  %".17" = icmp slt i64 %".16", 64
  %".18" = select  i1 %".17", i64 %".16", i64 64
  br label %"d3001.head"
d3000.done:
  ret void
d3001.head:
  %"i3001" = phi  i64 [0, %"d3000.body"], [%".46", %"d3001.body"]
  %".20" = icmp slt i64 %"i3001", %".18"
  br i1 %".20", label %"d3001.body", label %"d3001.done"
d3001.body:
  %".22" = add i64 %".15", %"i3001"
  %".23" = getelementptr double, double* %".7", i64 %"i3001"
  store double              0x0, double* %".23"
  %".25" = add i64 64, %"i3001"
  %".26" = getelementptr double, double* %".7", i64 %".25"
  store double              0x0, double* %".26"
  %".28" = add i64 128, %"i3001"
  %".29" = getelementptr double, double* %".7", i64 %".28"
  store double              0x0, double* %".29"
  %".31" = add i64 192, %"i3001"
  %".32" = getelementptr double, double* %".7", i64 %".31"
  store double              0x0, double* %".32"
  %".34" = add i64 256, %"i3001"
  %".35" = getelementptr double, double* %".7", i64 %".34"
  store double              0x0, double* %".35"
  %".37" = add i64 320, %"i3001"
  %".38" = getelementptr double, double* %".7", i64 %".37"
  store double              0x0, double* %".38"
  %".40" = add i64 384, %"i3001"
  %".41" = getelementptr double, double* %".7", i64 %".40"
  store double              0x0, double* %".41"
  %".43" = add i64 448, %"i3001"
  %".44" = getelementptr double, double* %".7", i64 %".43"
  store double              0x0, double* %".44"
  %".46" = add nsw nuw i64 %"i3001", 1
  br label %"d3001.head", !llvm.loop !19
d3001.done:
  br label %"d1.head"
d1.head:
  %"i1" = phi  i64 [0, %"d3001.done"], [%".69", %"d3001.done.1"]
  %".49" = icmp slt i64 %"i1", 16
  br i1 %".49", label %"d1.body", label %"d1.done"
d1.body:
  %".51" = urem i64 %"i1", 8
  br label %"d3001.head.1"
d1.done:
  br label %"d3001.head.2"
d3001.head.1:
  %"i3001.1" = phi  i64 [0, %"d1.body"], [%".67", %"d3001.body.1"]
  %".53" = icmp slt i64 %"i3001.1", %".18"
  br i1 %".53", label %"d3001.body.1", label %"d3001.done.1"
d3001.body.1:
  %".55" = add i64 %".15", %"i3001.1"
  %".56" = mul i64 %".51", 64
  %".57" = add i64 %".56", %"i3001.1"
  %".58" = getelementptr double, double* %".7", i64 %".57"
  %".59" = load double, double* %".58"
  %".60" = mul i64 %"i1", 16
  %".61" = add i64 %".55", %".60"
  %".62" = getelementptr inbounds float, ptr %".1", i64 %".61"
  %".63" = load float, ptr %".62"
  %".64" = fpext float %".63" to double
  %".65" = fadd double %".59", %".64"
  store double %".65", double* %".58"
  %".67" = add nsw nuw i64 %"i3001.1", 1
  br label %"d3001.head.1", !llvm.loop !20
d3001.done.1:
  %".69" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !21
d3001.head.2:
  %"i3001.2" = phi  i64 [0, %"d1.done"], [%".108", %"d3001.body.2"]
  %".72" = icmp slt i64 %"i3001.2", %".18"
  br i1 %".72", label %"d3001.body.2", label %"d3001.done.2"
d3001.body.2:
  %".74" = add i64 %".15", %"i3001.2"
  %".75" = getelementptr double, double* %".7", i64 %"i3001.2"
  %".76" = load double, double* %".75"
  %".77" = add i64 64, %"i3001.2"
  %".78" = getelementptr double, double* %".7", i64 %".77"
  %".79" = load double, double* %".78"
  %".80" = add i64 128, %"i3001.2"
  %".81" = getelementptr double, double* %".7", i64 %".80"
  %".82" = load double, double* %".81"
  %".83" = add i64 192, %"i3001.2"
  %".84" = getelementptr double, double* %".7", i64 %".83"
  %".85" = load double, double* %".84"
  %".86" = add i64 256, %"i3001.2"
  %".87" = getelementptr double, double* %".7", i64 %".86"
  %".88" = load double, double* %".87"
  %".89" = add i64 320, %"i3001.2"
  %".90" = getelementptr double, double* %".7", i64 %".89"
  %".91" = load double, double* %".90"
  %".92" = add i64 384, %"i3001.2"
  %".93" = getelementptr double, double* %".7", i64 %".92"
  %".94" = load double, double* %".93"
  %".95" = add i64 448, %"i3001.2"
  %".96" = getelementptr double, double* %".7", i64 %".95"
  %".97" = load double, double* %".96"
  %".98" = fadd double %".76", %".88"
  %".99" = fadd double %".79", %".91"
  %".100" = fadd double %".82", %".94"
  %".101" = fadd double %".85", %".97"
  %".102" = fadd double %".98", %".100"
  %".103" = fadd double %".99", %".101"
  %".104" = fadd double %".102", %".103"
  %".105" = fptrunc double %".104" to float
  %".106" = getelementptr inbounds float, ptr %".2", i64 %".74"
  store float %".105", ptr %".106"
  %".108" = add nsw nuw i64 %"i3001.2", 1
  br label %"d3001.head.2", !llvm.loop !22
d3001.done.2:
  %".110" = add nsw nuw i64 %"i3000", 1
  br label %"d3000.head", !llvm.loop !23
}

define void @"k7_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  call void @"k7_loop.body"(ptr %".9", ptr %".13", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k8_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = alloca i8
  store i8 78, i8* %".7"
  %".9" = alloca i8
  store i8 84, i8* %".9"
  %".11" = alloca i64
  store i64 4, i64* %".11"
  %".13" = alloca i64
  store i64 16, i64* %".13"
  %".15" = alloca i64
  store i64 16, i64* %".15"
  %".17" = alloca float
  store float 0x3ff0000000000000, float* %".17"
  %".19" = alloca i64
  store i64 4, i64* %".19"
  %".21" = alloca i64
  store i64 16, i64* %".21"
  %".23" = alloca float
  store float              0x0, float* %".23"
  %".25" = alloca i64
  store i64 4, i64* %".25"
  %".27" = getelementptr float, ptr %".1", i64 0
  %".28" = getelementptr float, ptr %".2", i64 0
  %".29" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".7", i8* %".9", i64* %".11", i64* %".13", i64* %".15", float* %".17", ptr %".28", i64* %".19", ptr %".27", i64* %".21", float* %".23", ptr %".29", i64* %".25")
  ret void
}

define void @"k8_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  call void @"k8_matmul.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k9_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = alloca double, i32 512
  %".8" = sub i64 %".4", %".3"
  %".9" = add i64 %".8", 63
  %".10" = sdiv i64 %".9", 64
  br label %"d3000.head"
d3000.head:
  %"i3000" = phi  i64 [0, %"entry"], [%".110", %"d3001.done.2"]
  %".12" = icmp slt i64 %"i3000", %".10"
  br i1 %".12", label %"d3000.body", label %"d3000.done"
d3000.body:
  %".14" = mul i64 %"i3000", 64
  %".15" = add i64 %".3", %".14"
  %".16" = sub i64 %".4", %".15"
  %".17" = icmp slt i64 %".16", 64
  %".18" = select  i1 %".17", i64 %".16", i64 64
  br label %"d3001.head"
d3000.done:
  ret void
d3001.head:
  %"i3001" = phi  i64 [0, %"d3000.body"], [%".46", %"d3001.body"]
  %".20" = icmp slt i64 %"i3001", %".18"
  br i1 %".20", label %"d3001.body", label %"d3001.done"
d3001.body:
  %".22" = add i64 %".15", %"i3001"
  %".23" = getelementptr double, double* %".7", i64 %"i3001"
  store double              0x0, double* %".23"
  %".25" = add i64 64, %"i3001"
  %".26" = getelementptr double, double* %".7", i64 %".25"
  store double              0x0, double* %".26"
  %".28" = add i64 128, %"i3001"
  %".29" = getelementptr double, double* %".7", i64 %".28"
  store double              0x0, double* %".29"
  %".31" = add i64 192, %"i3001"
  %".32" = getelementptr double, double* %".7", i64 %".31"
  store double              0x0, double* %".32"
  %".34" = add i64 256, %"i3001"
  %".35" = getelementptr double, double* %".7", i64 %".34"
  store double              0x0, double* %".35"
  %".37" = add i64 320, %"i3001"
  %".38" = getelementptr double, double* %".7", i64 %".37"
  store double              0x0, double* %".38"
  %".40" = add i64 384, %"i3001"
  %".41" = getelementptr double, double* %".7", i64 %".40"
  store double              0x0, double* %".41"
  %".43" = add i64 448, %"i3001"
  %".44" = getelementptr double, double* %".7", i64 %".43"
  store double              0x0, double* %".44"
  %".46" = add nsw nuw i64 %"i3001", 1
  br label %"d3001.head", !llvm.loop !24
d3001.done:
  br label %"d1.head"
d1.head:
  %"i1" = phi  i64 [0, %"d3001.done"], [%".69", %"d3001.done.1"]
  %".49" = icmp slt i64 %"i1", 16
  br i1 %".49", label %"d1.body", label %"d1.done"
d1.body:
  %".51" = urem i64 %"i1", 8
  br label %"d3001.head.1"
d1.done:
  br label %"d3001.head.2"
d3001.head.1:
  %"i3001.1" = phi  i64 [0, %"d1.body"], [%".67", %"d3001.body.1"]
  %".53" = icmp slt i64 %"i3001.1", %".18"
  br i1 %".53", label %"d3001.body.1", label %"d3001.done.1"
d3001.body.1:
  %".55" = add i64 %".15", %"i3001.1"
  %".56" = mul i64 %".51", 64
  %".57" = add i64 %".56", %"i3001.1"
  %".58" = getelementptr double, double* %".7", i64 %".57"
  %".59" = load double, double* %".58"
  %".60" = mul i64 %"i1", 4
  %".61" = add i64 %".55", %".60"
  %".62" = getelementptr inbounds float, ptr %".1", i64 %".61"
  %".63" = load float, ptr %".62"
  %".64" = fpext float %".63" to double
  %".65" = fadd double %".59", %".64"
  store double %".65", double* %".58"
  %".67" = add nsw nuw i64 %"i3001.1", 1
  br label %"d3001.head.1", !llvm.loop !25
d3001.done.1:
  %".69" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !26
d3001.head.2:
  %"i3001.2" = phi  i64 [0, %"d1.done"], [%".108", %"d3001.body.2"]
  %".72" = icmp slt i64 %"i3001.2", %".18"
  br i1 %".72", label %"d3001.body.2", label %"d3001.done.2"
d3001.body.2:
  %".74" = add i64 %".15", %"i3001.2"
  %".75" = getelementptr double, double* %".7", i64 %"i3001.2"
  %".76" = load double, double* %".75"
  %".77" = add i64 64, %"i3001.2"
  %".78" = getelementptr double, double* %".7", i64 %".77"
  %".79" = load double, double* %".78"
  %".80" = add i64 128, %"i3001.2"
  %".81" = getelementptr double, double* %".7", i64 %".80"
  %".82" = load double, double* %".81"
  %".83" = add i64 192, %"i3001.2"
  %".84" = getelementptr double, double* %".7", i64 %".83"
  %".85" = load double, double* %".84"
  %".86" = add i64 256, %"i3001.2"
  %".87" = getelementptr double, double* %".7", i64 %".86"
  %".88" = load double, double* %".87"
  %".89" = add i64 320, %"i3001.2"
  %".90" = getelementptr double, double* %".7", i64 %".89"
  %".91" = load double, double* %".90"
  %".92" = add i64 384, %"i3001.2"
  %".93" = getelementptr double, double* %".7", i64 %".92"
  %".94" = load double, double* %".93"
  %".95" = add i64 448, %"i3001.2"
  %".96" = getelementptr double, double* %".7", i64 %".95"
  %".97" = load double, double* %".96"
  %".98" = fadd double %".76", %".88"
  %".99" = fadd double %".79", %".91"
  %".100" = fadd double %".82", %".94"
  %".101" = fadd double %".85", %".97"
  %".102" = fadd double %".98", %".100"
  %".103" = fadd double %".99", %".101"
  %".104" = fadd double %".102", %".103"
  %".105" = fptrunc double %".104" to float
  %".106" = getelementptr inbounds float, ptr %".2", i64 %".74"
  store float %".105", ptr %".106"
  %".108" = add nsw nuw i64 %"i3001.2", 1
  br label %"d3001.head.2", !llvm.loop !27
d3001.done.2:
  %".110" = add nsw nuw i64 %"i3000", 1
  br label %"d3000.head", !llvm.loop !28
}

define void @"k9_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
{
entry:
  %".6" = getelementptr i64, ptr %".2", i64 0
  %".7" = load i64, ptr %".6"
  %".8" = getelementptr ptr, ptr %".1", i64 %".7"
  %".9" = load ptr, ptr %".8"
  %".10" = getelementptr i64, ptr %".2", i64 1
  %".11" = load i64, ptr %".10"
  %".12" = getelementptr ptr, ptr %".1", i64 %".11"
  %".13" = load ptr, ptr %".12"
  call void @"k9_loop.body"(ptr %".9", ptr %".13", i64 %".3", i64 %".4")
  ret void
}

@"llvm.compiler.used" = appending global [2 x ptr] [ptr @"graphc.vecmath.exp.v8f32.call", ptr @"graphc.vecmath.log.v8f32.call"], section "llvm.metadata"
!0 = distinct !{}
!1 = !{ !"llvm.loop.parallel_accesses", !0 }
!2 = !{ !"llvm.loop.unroll.disable", i32 1 }
!3 = !{ !3, !1, !2 }
!4 = !{ !4, !2 }
!5 = !{ !5, !1, !2 }
!6 = !{ !6, !2 }
!7 = !{ !7, !2 }
!8 = !{ !8, !1, !2 }
!9 = !{ !9, !1, !2 }
!10 = !{ !10, !2 }
!11 = !{ !"llvm.loop.vectorize.width", i32 8 }
!12 = !{ !12, !11, !2, !1 }
!13 = !{ !13, !2 }
!14 = !{ !14, !1, !2 }
!15 = !{ !15, !1, !2 }
!16 = !{ !16, !2 }
!17 = !{ !17, !1, !2 }
!18 = !{ !18, !2 }
!19 = !{ !19, !2 }
!20 = !{ !20, !2 }
!21 = !{ !21, !2 }
!22 = !{ !22, !2 }
!23 = !{ !23, !2 }
!24 = !{ !24, !2 }
!25 = !{ !25, !2 }
!26 = !{ !26, !2 }
!27 = !{ !27, !2 }
!28 = !{ !28, !2 }