; ModuleID = "graphc.part0"
target triple = "unknown-unknown-unknown"
target datalayout = ""

define internal void @"k0_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", i64 %".5", i64 %".6") noinline nounwind
{
entry:
  %".8" = alloca double, i32 1
  %".9" = alloca double, i32 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".5", %"entry"], [%".76", %"d4001.done"]
  %".11" = icmp slt i64 %"i0", %".6"
  br i1 %".11", label %"d0.body", label %"d0.done"
d0.body:
  store double 0xfff0000000000000, double* %".8", align 8
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".31", %"d1.body"]
  %".15" = icmp slt i64 %"i1", 64
  br i1 %".15", label %"d1.body", label %"d1.done"
d1.body:
  %".17" = getelementptr double, double* %".8", i64 0
  %".18" = load double, double* %".17"
  %".19" = mul i64 %"i1", 48
  %".20" = add i64 %"i0", %".19"
  %".21" = getelementptr inbounds double, ptr %".1", i64 %".20"
  %".22" = load double, ptr %".21"
  %".23" = fcmp ugt double %".22", %".18"
  %".24" = fcmp uno double %".22", %".22"
  %".25" = or i1 %".23", %".24"
  %".26" = fcmp uno double %".18", %".18"
  %".27" = xor i1 %".26", -1
  %".28" = and i1 %".25", %".27"
  %".29" = select  i1 %".28", double %".22", double %".18"
  store double %".29", double* %".17"
  %".31" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !1
d1.done:
  %".33" = load double, double* %".8"
  %".34" = bitcast double* %".9" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".34", align 8
  br label %"d4001.head"
d4001.head:
  %"i4001" = phi  i64 [0, %"d1.done"], [%".58", %"d5001.done"]
  %".37" = icmp slt i64 %"i4001", 8
  br i1 %".37", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".39" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".60" = bitcast double* %".9" to <8 x double>*
  %".61" = load <8 x double>, <8 x double>* %".60", align 8
  %".62" = shufflevector <8 x double> %".61", <8 x double> %".61", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".63" = shufflevector <8 x double> %".61", <8 x double> %".61", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".64" = fadd <4 x double> %".62", %".63"
  %".65" = shufflevector <4 x double> %".64", <4 x double> %".64", <2 x i32> <i32 0, i32 1>
  %".66" = shufflevector <4 x double> %".64", <4 x double> %".64", <2 x i32> <i32 2, i32 3>
  %".67" = fadd <2 x double> %".65", %".66"
  %".68" = shufflevector <2 x double> %".67", <2 x double> %".67", <1 x i32> <i32 0>
  %".69" = shufflevector <2 x double> %".67", <2 x double> %".67", <1 x i32> <i32 1>
  %".70" = fadd <1 x double> %".68", %".69"
  %".71" = extractelement <1 x double> %".70", i32 0
  %".72" = getelementptr inbounds double, ptr %".2", i64 %"i0"
  store double %".33", ptr %".72"
  %".74" = getelementptr inbounds double, ptr %".4", i64 %"i0"
  store double %".71", ptr %".74"
  %".76" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !7
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".56", %"d5001.body"]
  %".41" = icmp slt i64 %"i5001", 8
  br i1 %".41", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".43" = add i64 %".39", %"i5001"
  %".44" = getelementptr double, double* %".9", i64 %"i5001"
  %".45" = load double, double* %".44", !llvm.access.group !2
  %".46" = mul i64 %".43", 48
  %".47" = add i64 %"i0", %".46"
  %".48" = getelementptr inbounds double, ptr %".1", i64 %".47"
  %".49" = load double, ptr %".48", !llvm.access.group !2
  %".50" = fcmp oeq double %".49", %".33"
  %".51" = uitofp i1 %".50" to double
  %".52" = fadd double %".45", %".51"
  store double %".52", double* %".44", !llvm.access.group !2
  %".54" = getelementptr inbounds double, ptr %".3", i64 %".47"
  store double %".51", ptr %".54", !llvm.access.group !2
  %".56" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !5
d5001.done:
  %".58" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !6
}

define void @"k0_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k0_loop.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k1_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = bitcast double* %".6" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".7", align 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [0, %"entry"], [%".32", %"d4001.done"]
  %".10" = icmp slt i64 %"i0", 64
  br i1 %".10", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d4001.head"
d0.done:
  %".34" = bitcast double* %".6" to <8 x double>*
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
  %".46" = fmul double %".45", 0x3f35555555555555
  %".47" = getelementptr inbounds double, ptr %".2", i64 0
  store double %".46", ptr %".47"
  ret void
d4001.head:
  %"i4001" = phi  i64 [0, %"d0.body"], [%".30", %"d5001.done"]
  %".13" = icmp slt i64 %"i4001", 6
  br i1 %".13", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".15" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".32" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !10
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".28", %"d5001.body"]
  %".17" = icmp slt i64 %"i5001", 8
  br i1 %".17", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".19" = add i64 %".15", %"i5001"
  %".20" = getelementptr double, double* %".6", i64 %"i5001"
  %".21" = load double, double* %".20", !llvm.access.group !2
  %".22" = mul i64 %"i0", 48
  %".23" = add i64 %".22", %".19"
  %".24" = getelementptr inbounds double, ptr %".1", i64 %".23"
  %".25" = load double, ptr %".24", !llvm.access.group !2
  %".26" = fadd double %".21", %".25"
  store double %".26", double* %".20", !llvm.access.group !2
  %".28" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !8
d5001.done:
  %".30" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !9
}

define void @"k1_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k1_loop.body"(ptr %".9", ptr %".13", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k2_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", ptr noalias %".6", ptr noalias %".7", ptr noalias %".8", ptr noalias %".9", ptr noalias %".10", i64 %".11", i64 %".12") noinline nounwind
{
entry:
  %".14" = alloca double, i32 1
  %".15" = alloca double, i32 8
  %".16" = alloca double, i32 8
  %".17" = alloca double, i32 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".11", %"entry"], [%".211", %"d1.done.1"]
  %".19" = icmp slt i64 %"i0", %".12"
  br i1 %".19", label %"d0.body", label %"d0.done"
d0.body:
  store double 0xfff0000000000000, double* %".14", align 8
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".45", %"d1.body"]
  %".23" = icmp slt i64 %"i1", 48
  br i1 %".23", label %"d1.body", label %"d1.done"
d1.body:
  %".25" = getelementptr double, double* %".14", i64 0
  %".26" = load double, double* %".25"
  %".27" = mul i64 %"i0", 48
  %".28" = add i64 %".27", %"i1"
  %".29" = getelementptr inbounds double, ptr %".1", i64 %".28"
  %".30" = load double, ptr %".29"
  %".31" = fcmp ugt double %".30", %".26"
  %".32" = fcmp uno double %".30", %".30"
  %".33" = or i1 %".31", %".32"
  %".34" = fcmp uno double %".26", %".26"
  %".35" = xor i1 %".34", -1
  %".36" = and i1 %".33", %".35"
  %".37" = select  i1 %".36", double %".30", double %".26"
  store double %".37", double* %".25"
  %".39" = call double @"graphc.vecmath.sin.f64.call"(double %".30")
  %".40" = getelementptr inbounds double, ptr %".4", i64 %".28"
  store double %".39", ptr %".40"
  %".42" = fneg double %".39"
  %".43" = getelementptr inbounds double, ptr %".7", i64 %".28"
  store double %".42", ptr %".43"
  %".45" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !18
d1.done:
  %".47" = load double, double* %".14"
  %".48" = bitcast double* %".15" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".48", align 8
  br label %"d4001.head"
d4001.head:
  %"i4001" = phi  i64 [0, %"d1.done"], [%".73", %"d5001.done"]
  %".51" = icmp slt i64 %"i4001", 6
  br i1 %".51", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".53" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".75" = bitcast double* %".15" to <8 x double>*
  %".76" = load <8 x double>, <8 x double>* %".75", align 8
  %".77" = shufflevector <8 x double> %".76", <8 x double> %".76", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".78" = shufflevector <8 x double> %".76", <8 x double> %".76", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".79" = fadd <4 x double> %".77", %".78"
  %".80" = shufflevector <4 x double> %".79", <4 x double> %".79", <2 x i32> <i32 0, i32 1>
  %".81" = shufflevector <4 x double> %".79", <4 x double> %".79", <2 x i32> <i32 2, i32 3>
  %".82" = fadd <2 x double> %".80", %".81"
  %".83" = shufflevector <2 x double> %".82", <2 x double> %".82", <1 x i32> <i32 0>
  %".84" = shufflevector <2 x double> %".82", <2 x double> %".82", <1 x i32> <i32 1>
  %".85" = fadd <1 x double> %".83", %".84"
  %".86" = extractelement <1 x double> %".85", i32 0
  %".87" = bitcast double* %".16" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".87", align 8
  %".89" = bitcast double* %".17" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".89", align 8
  br label %"d4001.head.1"
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".71", %"d5001.body"]
  %".55" = icmp slt i64 %"i5001", 8
  br i1 %".55", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".57" = add i64 %".53", %"i5001"
  %".58" = getelementptr double, double* %".15", i64 %"i5001"
  %".59" = load double, double* %".58", !llvm.access.group !2
  %".60" = mul i64 %"i0", 48
  %".61" = add i64 %".60", %".57"
  %".62" = getelementptr inbounds double, ptr %".1", i64 %".61"
  %".63" = load double, ptr %".62", !llvm.access.group !2
  %".64" = call double @"llvm.fabs.f64"(double %".47")
  %".65" = fcmp oeq double %".64", 0x7ff0000000000000
  %".66" = select  i1 %".65", double              0x0, double %".47"
  %".67" = fsub double %".63", %".66"
  %".68" = call double @"graphc.vecmath.exp.f64.call"(double %".67")
  %".69" = fadd double %".59", %".68"
  store double %".69", double* %".58", !llvm.access.group !2
  %".71" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !19
d5001.done:
  %".73" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !20
d4001.head.1:
  %"i4001.1" = phi  i64 [0, %"d4001.done"], [%".147", %"d5001.done.1"]
  %".92" = icmp slt i64 %"i4001.1", 6
  br i1 %".92", label %"d4001.body.1", label %"d4001.done.1"
d4001.body.1:
  %".94" = mul i64 %"i4001.1", 8
  br label %"d5001.head.1"
d4001.done.1:
  %".149" = bitcast double* %".16" to <8 x double>*
  %".150" = load <8 x double>, <8 x double>* %".149", align 8
  %".151" = shufflevector <8 x double> %".150", <8 x double> %".150", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".152" = shufflevector <8 x double> %".150", <8 x double> %".150", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".153" = fadd <4 x double> %".151", %".152"
  %".154" = shufflevector <4 x double> %".153", <4 x double> %".153", <2 x i32> <i32 0, i32 1>
  %".155" = shufflevector <4 x double> %".153", <4 x double> %".153", <2 x i32> <i32 2, i32 3>
  %".156" = fadd <2 x double> %".154", %".155"
  %".157" = shufflevector <2 x double> %".156", <2 x double> %".156", <1 x i32> <i32 0>
  %".158" = shufflevector <2 x double> %".156", <2 x double> %".156", <1 x i32> <i32 1>
  %".159" = fadd <1 x double> %".157", %".158"
  %".160" = extractelement <1 x double> %".159", i32 0
  %".161" = bitcast double* %".17" to <8 x double>*
  %".162" = load <8 x double>, <8 x double>* %".161", align 8
  %".163" = shufflevector <8 x double> %".162", <8 x double> %".162", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".164" = shufflevector <8 x double> %".162", <8 x double> %".162", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".165" = fadd <4 x double> %".163", %".164"
  %".166" = shufflevector <4 x double> %".165", <4 x double> %".165", <2 x i32> <i32 0, i32 1>
  %".167" = shufflevector <4 x double> %".165", <4 x double> %".165", <2 x i32> <i32 2, i32 3>
  %".168" = fadd <2 x double> %".166", %".167"
  %".169" = shufflevector <2 x double> %".168", <2 x double> %".168", <1 x i32> <i32 0>
  %".170" = shufflevector <2 x double> %".168", <2 x double> %".168", <1 x i32> <i32 1>
  %".171" = fadd <1 x double> %".169", %".170"
  %".172" = extractelement <1 x double> %".171", i32 0
  br label %"d1.head.1"
d5001.head.1:
  %"i5001.1" = phi  i64 [0, %"d4001.body.1"], [%".145", %"d5001.body.1"]
  %".96" = icmp slt i64 %"i5001.1", 8
  br i1 %".96", label %"d5001.body.1", label %"d5001.done.1"
d5001.body.1:
  %".98" = add i64 %".94", %"i5001.1"
  %".99" = getelementptr double, double* %".16", i64 %"i5001.1"
  %".100" = load double, double* %".99", !llvm.access.group !2
  %".101" = mul i64 %"i0", 48
  %".102" = add i64 %".101", %".98"
  %".103" = getelementptr inbounds double, ptr %".4", i64 %".102"
  %".104" = load double, ptr %".103", !llvm.access.group !2
  %".105" = getelementptr inbounds double, ptr %".1", i64 %".102"
  %".106" = load double, ptr %".105", !llvm.access.group !2
  %".107" = fcmp oeq double %".86",              0x0
  %".108" = select  i1 %".107", double 0x3ff0000000000000, double %".86"
  %".109" = call double @"graphc.vecmath.log.f64.call"(double %".108")
  %".110" = call double @"llvm.fabs.f64"(double %".47")
  %".111" = fcmp oeq double %".110", 0x7ff0000000000000
  %".112" = select  i1 %".111", double              0x0, double %".47"
  %".113" = fadd double %".109", %".112"
  %".114" = select  i1 %".107", double 0xfff0000000000000, double %".113"
  %".115" = fcmp oeq double %".114", 0xfff0000000000000
  %".116" = select  i1 %".115", double              0x0, double %".114"
  %".117" = fsub double %".106", %".116"
  %".118" = call double @"graphc.vecmath.exp.f64.call"(double %".117")
  %".119" = fmul double %".104", %".118"
  %".120" = fadd double %".100", %".119"
  store double %".120", double* %".99", !llvm.access.group !2
  %".122" = getelementptr double, double* %".17", i64 %"i5001.1"
  %".123" = load double, double* %".122", !llvm.access.group !2
  %".124" = fmul double %".104", %".114"
  %".125" = fmul double %".124", %".118"
  %".126" = fneg double %".125"
  %".127" = fadd double %".123", %".126"
  store double %".127", double* %".122", !llvm.access.group !2
  %".129" = fmul double %".118", %".114"
  %".130" = getelementptr inbounds double, ptr %".2", i64 %".98"
  %".131" = load double, ptr %".130", !llvm.access.group !2
  %".132" = fsub double %".129", %".131"
  %".133" = getelementptr inbounds double, ptr %".3", i64 0
  %".134" = load double, ptr %".133", !llvm.access.group !2
  %".135" = fadd double %".132", %".134"
  %".136" = fmul double %".135", %".104"
  %".137" = getelementptr inbounds double, ptr %".5", i64 %".102"
  store double %".136", ptr %".137", !llvm.access.group !2
  %".139" = call double @"graphc.vecmath.cos.f64.call"(double %".106")
  %".140" = fmul double %".135", %".139"
  %".141" = getelementptr inbounds double, ptr %".6", i64 %".102"
  store double %".140", ptr %".141", !llvm.access.group !2
  %".143" = getelementptr inbounds double, ptr %".9", i64 %".102"
  store double %".125", ptr %".143", !llvm.access.group !2
  %".145" = add nsw nuw i64 %"i5001.1", 1
  br label %"d5001.head.1", !llvm.loop !23
d5001.done.1:
  %".147" = add nsw nuw i64 %"i4001.1", 1
  br label %"d4001.head.1", !llvm.loop !24
d1.head.1:
  %"i1.1" = phi  i64 [0, %"d4001.done.1"], [%".209", %"d1.body.1"]
  %".174" = icmp slt i64 %"i1.1", 48
  br i1 %".174", label %"d1.body.1", label %"d1.done.1"
d1.body.1:
  %".176" = fcmp oeq double %".86",              0x0
  %".177" = select  i1 %".176", double              0x0, double %".160"
  %".178" = fcmp oeq double %".177",              0x0
  %".179" = select  i1 %".176", double 0x3ff0000000000000, double %".86"
  %".180" = fdiv double 0x3ff0000000000000, %".179"
  %".181" = fmul double %".177", %".180"
  %".182" = select  i1 %".178", double              0x0, double %".181"
  %".183" = select  i1 %".176", double              0x0, double %".182"
  %".184" = mul i64 %"i0", 48
  %".185" = add i64 %".184", %"i1.1"
  %".186" = getelementptr inbounds double, ptr %".1", i64 %".185"
  %".187" = load double, ptr %".186", !llvm.access.group !2
  %".188" = call double @"llvm.fabs.f64"(double %".47")
  %".189" = fcmp oeq double %".188", 0x7ff0000000000000
  %".190" = select  i1 %".189", double              0x0, double %".47"
  %".191" = fsub double %".187", %".190"
  %".192" = call double @"graphc.vecmath.exp.f64.call"(double %".191")
  %".193" = fmul double %".183", %".192"
  %".194" = getelementptr inbounds double, ptr %".8", i64 %".185"
  store double %".193", ptr %".194", !llvm.access.group !2
  %".196" = call double @"graphc.vecmath.log.f64.call"(double %".179")
  %".197" = fadd double %".196", %".190"
  %".198" = select  i1 %".176", double 0xfff0000000000000, double %".197"
  %".199" = fcmp oeq double %".198", 0xfff0000000000000
  %".200" = select  i1 %".199", double              0x0, double %".172"
  %".201" = select  i1 %".176", double              0x0, double %".200"
  %".202" = fcmp oeq double %".201",              0x0
  %".203" = fmul double %".201", %".180"
  %".204" = select  i1 %".202", double              0x0, double %".203"
  %".205" = select  i1 %".176", double              0x0, double %".204"
  %".206" = fmul double %".205", %".192"
  %".207" = getelementptr inbounds double, ptr %".10", i64 %".185"
  store double %".206", ptr %".207", !llvm.access.group !2
  %".209" = add nsw nuw i64 %"i1.1", 1
  br label %"d1.head.1", !llvm.loop !25
d1.done.1:
  %".211" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !26
}

define internal double @"graphc.vecmath.sin.f64.call"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N4v_graphc.vecmath.sin.f64.call(graphc.vecmath.sin.v4f64.call),_ZGV_LLVM_N8v_graphc.vecmath.sin.f64.call(graphc.vecmath.sin.v8f64.call)" noinline nounwind readnone
{
entry:
  %".3" = call double @"llvm.fmuladd.f64"(double %".1", double 0x3fe45f306dc9c883, double 0x4338000000000000)
  %".4" = fsub double %".3", 0x4338000000000000
  %".5" = bitcast double %".3" to i64
  %".6" = sub i64 %".5", 4843621399236968448
  %".7" = call double @"llvm.fmuladd.f64"(double %".4", double 0xbff921fb40000000, double %".1")
  %".8" = call double @"llvm.fmuladd.f64"(double %".4", double 0xbe74442d00000000, double %".7")
  %".9" = fmul double %".4", 0x3cf8469880000000
  %".10" = fsub double %".8", %".9"
  %".11" = fsub double %".8", %".10"
  %".12" = fadd double %".10", %".11"
  %".13" = fsub double %".8", %".12"
  %".14" = fsub double %".11", %".9"
  %".15" = fadd double %".13", %".14"
  %".16" = fmul double %".4", 0x3b78cc5180000000
  %".17" = fsub double %".10", %".16"
  %".18" = fsub double %".10", %".17"
  %".19" = fadd double %".17", %".18"
  %".20" = fsub double %".10", %".19"
  %".21" = fsub double %".18", %".16"
  %".22" = fadd double %".20", %".21"
  %".23" = fadd double %".15", %".22"
  %".24" = fmul double %".4", 0xb9efc8f8cbb5bf6c
  %".25" = fsub double %".17", %".24"
  %".26" = fsub double %".17", %".25"
  %".27" = fadd double %".25", %".26"
  %".28" = fsub double %".17", %".27"
  %".29" = fsub double %".26", %".24"
  %".30" = fadd double %".28", %".29"
  %".31" = fadd double %".23", %".30"
  %".32" = fmul double %".25", %".25"
  %".33" = fmul double %".32", 0x3fe0000000000000
  %".34" = fneg double %".33"
  %".35" = call double @"llvm.fmuladd.f64"(double %".34", double %".31", double %".31")
  %".36" = fmul double %".25", %".32"
  %".37" = call double @"llvm.fmuladd.f64"(double 0x3de5d8609eb68503, double %".32", double 0xbe5ae5e479b6eaa5)
  %".38" = call double @"llvm.fmuladd.f64"(double %".37", double %".32", double 0x3ec71de3569add92)
  %".39" = call double @"llvm.fmuladd.f64"(double %".38", double %".32", double 0xbf2a01a019c2a927)
  %".40" = call double @"llvm.fmuladd.f64"(double %".39", double %".32", double 0x3f8111111110fb25)
  %".41" = call double @"llvm.fmuladd.f64"(double %".40", double %".32", double 0xbfc555555555554c)
  %".42" = call double @"llvm.fmuladd.f64"(double %".36", double %".41", double %".35")
  %".43" = fadd double %".25", %".42"
  %".44" = fsub double 0x3ff0000000000000, %".33"
  %".45" = fsub double 0x3ff0000000000000, %".44"
  %".46" = fsub double %".45", %".33"
  %".47" = fneg double %".25"
  %".48" = call double @"llvm.fmuladd.f64"(double %".47", double %".31", double %".46")
  %".49" = fmul double %".32", %".32"
  %".50" = call double @"llvm.fmuladd.f64"(double 0xbda8ff8731422a79, double %".32", double 0x3e21eea86ff2e75e)
  %".51" = call double @"llvm.fmuladd.f64"(double %".50", double %".32", double 0xbe927e4f90129527)
  %".52" = call double @"llvm.fmuladd.f64"(double %".51", double %".32", double 0x3efa01a019e21dca)
  %".53" = call double @"llvm.fmuladd.f64"(double %".52", double %".32", double 0xbf56c16c16c1611e)
  %".54" = call double @"llvm.fmuladd.f64"(double %".53", double %".32", double 0x3fa5555555555553)
  %".55" = call double @"llvm.fmuladd.f64"(double %".49", double %".54", double %".48")
  %".56" = fadd double %".44", %".55"
  %".57" = and i64 %".6", 1
  %".58" = icmp eq i64 %".57", 1
  %".59" = select  i1 %".58", double %".56", double %".43"
  %".60" = and i64 %".6", 2
  %".61" = icmp eq i64 %".60", 2
  %".62" = fneg double %".59"
  %".63" = select  i1 %".61", double %".62", double %".59"
  %".64" = bitcast double %".1" to i64
  %".65" = and i64 %".64", 9223372036854775807
  %".66" = bitcast i64 %".65" to double
  %".67" = fcmp oge double %".66", 0x41d7d78400000000
  br i1 %".67", label %"sincos.large", label %"sincos.done", !prof !11
sincos.large:
  %".69" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".1", i32 0)
  br label %"sincos.done"
sincos.done:
  %".71" = phi  double [%".63", %"entry"], [%".69", %"sincos.large"]
  %".72" = fcmp oeq double %".1",              0x0
  %".73" = select  i1 %".72", double %".1", double %".71"
  ret double %".73"
}

declare double @"llvm.fmuladd.f64"(double %".1", double %".2", double %".3")

define internal double @"graphc.vecmath.sincos_large.f64.call"(double %".1", i32 %".2") "vector-function-abi-variant"="_ZGV_LLVM_M4vu_graphc.vecmath.sincos_large.f64.call(graphc.vecmath.sincos_large.v4f64.call),_ZGV_LLVM_M8vu_graphc.vecmath.sincos_large.f64.call(graphc.vecmath.sincos_large.v8f64.call)" noinline nounwind readnone
{
entry:
  %".4" = bitcast double %".1" to i64
  %".5" = and i64 %".4", 9218868437227405312
  %".6" = lshr i64 %".5", 52
  %".7" = sub i64 %".6", 1024
  %".8" = and i64 %".4", 4503599627370495
  %".9" = or i64 %".8", 4503599627370496
  %".10" = shl i64 %".9", 11
  %".11" = ashr i64 %".7", 6
  %".12" = and i64 %".7", 63
  %".13" = add i64 %".11", 0
  %".14" = getelementptr inbounds [20 x i64], [20 x i64]* @"graphc.vecmath.two_over_pi", i64 0, i64 %".13"
  %".15" = load i64, i64* %".14"
  %".16" = add i64 %".11", 1
  %".17" = getelementptr inbounds [20 x i64], [20 x i64]* @"graphc.vecmath.two_over_pi", i64 0, i64 %".16"
  %".18" = load i64, i64* %".17"
  %".19" = add i64 %".11", 2
  %".20" = getelementptr inbounds [20 x i64], [20 x i64]* @"graphc.vecmath.two_over_pi", i64 0, i64 %".19"
  %".21" = load i64, i64* %".20"
  %".22" = add i64 %".11", 3
  %".23" = getelementptr inbounds [20 x i64], [20 x i64]* @"graphc.vecmath.two_over_pi", i64 0, i64 %".22"
  %".24" = load i64, i64* %".23"
  %".25" = add i64 %".11", 4
  %".26" = getelementptr inbounds [20 x i64], [20 x i64]* @"graphc.vecmath.two_over_pi", i64 0, i64 %".25"
  %".27" = load i64, i64* %".26"
  %".28" = zext i64 %".10" to i128
  %".29" = call i64 @"llvm.fshl.i64"(i64 %".15", i64 %".18", i64 %".12")
  %".30" = zext i64 %".29" to i128
  %".31" = mul i128 %".28", %".30"
  %".32" = zext i64 %".10" to i128
  %".33" = call i64 @"llvm.fshl.i64"(i64 %".18", i64 %".21", i64 %".12")
  %".34" = zext i64 %".33" to i128
  %".35" = mul i128 %".32", %".34"
  %".36" = zext i64 %".10" to i128
  %".37" = call i64 @"llvm.fshl.i64"(i64 %".21", i64 %".24", i64 %".12")
  %".38" = zext i64 %".37" to i128
  %".39" = mul i128 %".36", %".38"
  %".40" = zext i64 %".10" to i128
  %".41" = call i64 @"llvm.fshl.i64"(i64 %".24", i64 %".27", i64 %".12")
  %".42" = zext i64 %".41" to i128
  %".43" = mul i128 %".40", %".42"
  %".44" = lshr i128 %".43", 64
  %".45" = add i128 %".39", %".44"
  %".46" = lshr i128 %".45", 64
  %".47" = add i128 %".35", %".46"
  %".48" = shl i128 %".31", 64
  %".49" = add i128 %".47", %".48"
  %".50" = add i128 %".49", 42535295865117307932921825928971026432
  %".51" = lshr i128 %".50", 126
  %".52" = trunc i128 %".51" to i64
  %".53" = shl i128 %".49", 2
  %".54" = icmp slt i128 %".53", 0
  %".55" = sub i128 0, %".53"
  %".56" = select  i1 %".54", i128 %".55", i128 %".53"
  %".57" = lshr i128 %".56", 75
  %".58" = trunc i128 %".57" to i64
  %".59" = and i64 %".58", 9007199254740991
  %".60" = lshr i128 %".56", 22
  %".61" = trunc i128 %".60" to i64
  %".62" = and i64 %".61", 9007199254740991
  %".63" = lshr i128 %".56", 0
  %".64" = trunc i128 %".63" to i64
  %".65" = and i64 %".64", 4194303
  %".66" = sitofp i64 %".59" to double
  %".67" = fmul double %".66", 0x3ca0000000000000
  %".68" = sitofp i64 %".62" to double
  %".69" = fmul double %".68", 0x3950000000000000
  %".70" = sitofp i64 %".65" to double
  %".71" = fmul double %".70", 0x37f0000000000000
  %".72" = fadd double %".67", %".69"
  %".73" = fsub double %".72", %".67"
  %".74" = fsub double %".69", %".73"
  %".75" = fadd double %".74", %".71"
  %".76" = fadd double %".72", %".75"
  %".77" = fadd double %".72", %".75"
  %".78" = fsub double %".77", %".72"
  %".79" = fsub double %".75", %".78"
  %".80" = fmul double %".76", 0x41a0000002000000
  %".81" = fsub double %".80", %".76"
  %".82" = fsub double %".80", %".81"
  %".83" = fsub double %".76", %".82"
  %".84" = fmul double %".76", 0x3ff921fb54442d18
  %".85" = fmul double %".82", 0x3ff921fb58000000
  %".86" = fsub double %".85", %".84"
  %".87" = fmul double %".82", 0xbe4dde9740000000
  %".88" = fadd double %".86", %".87"
  %".89" = fmul double %".83", 0x3ff921fb58000000
  %".90" = fadd double %".88", %".89"
  %".91" = fmul double %".83", 0xbe4dde9740000000
  %".92" = fadd double %".90", %".91"
  %".93" = fmul double %".76", 0x3c91a62633145c07
  %".94" = fmul double %".79", 0x3ff921fb54442d18
  %".95" = fadd double %".93", %".94"
  %".96" = fadd double %".92", %".95"
  %".97" = fadd double %".84", %".96"
  %".98" = fsub double %".97", %".84"
  %".99" = fsub double %".96", %".98"
  %".100" = fcmp olt double %".1",              0x0
  %".101" = xor i1 %".54", %".100"
  %".102" = fneg double %".97"
  %".103" = select  i1 %".101", double %".102", double %".97"
  %".104" = fneg double %".99"
  %".105" = select  i1 %".101", double %".104", double %".99"
  %".106" = sub i64 0, %".52"
  %".107" = select  i1 %".100", i64 %".106", i64 %".52"
  %".108" = zext i32 %".2" to i64
  %".109" = add i64 %".107", %".108"
  %".110" = fmul double %".103", %".103"
  %".111" = fmul double %".110", 0x3fe0000000000000
  %".112" = fneg double %".111"
  %".113" = call double @"llvm.fmuladd.f64"(double %".112", double %".105", double %".105")
  %".114" = fmul double %".103", %".110"
  %".115" = call double @"llvm.fmuladd.f64"(double 0x3de5d8609eb68503, double %".110", double 0xbe5ae5e479b6eaa5)
  %".116" = call double @"llvm.fmuladd.f64"(double %".115", double %".110", double 0x3ec71de3569add92)
  %".117" = call double @"llvm.fmuladd.f64"(double %".116", double %".110", double 0xbf2a01a019c2a927)
  %".118" = call double @"llvm.fmuladd.f64"(double %".117", double %".110", double 0x3f8111111110fb25)
  %".119" = call double @"llvm.fmuladd.f64"(double %".118", double %".110", double 0xbfc555555555554c)
  %".120" = call double @"llvm.fmuladd.f64"(double %".114", double %".119", double %".113")
  %".121" = fadd double %".103", %".120"
  %".122" = fsub double 0x3ff0000000000000, %".111"
  %".123" = fsub double 0x3ff0000000000000, %".122"
  %".124" = fsub double %".123", %".111"
  %".125" = fneg double %".103"
  %".126" = call double @"llvm.fmuladd.f64"(double %".125", double %".105", double %".124")
  %".127" = fmul double %".110", %".110"
  %".128" = call double @"llvm.fmuladd.f64"(double 0xbda8ff8731422a79, double %".110", double 0x3e21eea86ff2e75e)
  %".129" = call double @"llvm.fmuladd.f64"(double %".128", double %".110", double 0xbe927e4f90129527)
  %".130" = call double @"llvm.fmuladd.f64"(double %".129", double %".110", double 0x3efa01a019e21dca)
  %".131" = call double @"llvm.fmuladd.f64"(double %".130", double %".110", double 0xbf56c16c16c1611e)
  %".132" = call double @"llvm.fmuladd.f64"(double %".131", double %".110", double 0x3fa5555555555553)
  %".133" = call double @"llvm.fmuladd.f64"(double %".127", double %".132", double %".126")
  %".134" = fadd double %".122", %".133"
  %".135" = and i64 %".109", 1
  %".136" = icmp eq i64 %".135", 1
  %".137" = select  i1 %".136", double %".134", double %".121"
  %".138" = and i64 %".109", 2
  %".139" = icmp eq i64 %".138", 2
  %".140" = fneg double %".137"
  %".141" = select  i1 %".139", double %".140", double %".137"
  %".142" = bitcast double %".1" to i64
  %".143" = and i64 %".142", 9223372036854775807
  %".144" = bitcast i64 %".143" to double
  %".145" = fcmp oeq double %".144", 0x7ff0000000000000
  %".146" = select  i1 %".145", double 0x7ff8000000000000, double %".141"
  ret double %".146"
}

@"graphc.vecmath.two_over_pi" = internal unnamed_addr constant [20 x i64] [i64 0, i64 11743562013128004905, i64 18169587780923219392, i64 15808362127397457985, i64 18325537948574664033, i64 13196794004601950944, i64 452944820249399836, i64 18311050168422213438, i64 16754012890938950788, i64 16833452818741296705, i64 4148332274289687028, i64 11278244420634880059, i64 2303758334597371919, i64 17235013589178936607, i64 7869616827067468215, i64 5712322887342352941, i64 8441921394348257659, i64 4397547296490951402, i64 7780917995555872008, i64 6197850593633725355]
declare i64 @"llvm.fshl.i64"(i64 %".1", i64 %".2", i64 %".3")

define internal preserve_allcc <4 x double> @"graphc.vecmath.sincos_large.v4f64.call"(<4 x double> %".1", i32 %".2", <4 x i1> %".3") noinline nounwind readnone
{
entry:
  %".5" = bitcast <4 x i1> %".3" to i4
  %".6" = icmp ne i4 %".5", 0
  br i1 %".6", label %"entry.if", label %"entry.endif", !prof !14
entry.if:
  %".8" = tail call preserve_allcc <4 x double> @"graphc.vecmath.sincos_large.v4f64.lanes"(<4 x double> %".1", i32 %".2", <4 x i1> %".3")
  ret <4 x double> %".8"
entry.endif:
  ret <4 x double> %".1"
}

define internal preserve_allcc <4 x double> @"graphc.vecmath.sincos_large.v4f64.lanes"(<4 x double> %".1", i32 %".2", <4 x i1> %".3") cold noinline nounwind optnone readnone
{
entry:
  %".5" = bitcast <4 x i1> %".3" to i4
  %".6" = icmp ne i4 %".5", 0
  br i1 %".6", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".8" = phi  i32 [0, %"entry"], [%".17", %"lanes.next"]
  %".9" = phi  <4 x double> [%".1", %"entry"], [%".16", %"lanes.next"]
  %".10" = extractelement <4 x i1> %".3", i32 %".8"
  br i1 %".10", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".12" = extractelement <4 x double> %".1", i32 %".8"
  %".13" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".12", i32 %".2")
  %".14" = insertelement <4 x double> %".9", double %".13", i32 %".8"
  br label %"lanes.next"
lanes.next:
  %".16" = phi  <4 x double> [%".9", %"lanes.loop"], [%".14", %"lanes.call"]
  %".17" = add i32 %".8", 1
  %".18" = icmp ult i32 %".17", 4
  br i1 %".18", label %"lanes.loop", label %"lanes.done", !llvm.loop !13
lanes.done:
  %".20" = phi  <4 x double> [%".1", %"entry"], [%".16", %"lanes.next"]
  ret <4 x double> %".20"
}

define internal preserve_allcc <8 x double> @"graphc.vecmath.sincos_large.v8f64.call"(<8 x double> %".1", i32 %".2", <8 x i1> %".3") noinline nounwind readnone
{
entry:
  %".5" = bitcast <8 x i1> %".3" to i8
  %".6" = icmp ne i8 %".5", 0
  br i1 %".6", label %"entry.if", label %"entry.endif", !prof !14
entry.if:
  %".8" = tail call preserve_allcc <8 x double> @"graphc.vecmath.sincos_large.v8f64.lanes"(<8 x double> %".1", i32 %".2", <8 x i1> %".3")
  ret <8 x double> %".8"
entry.endif:
  ret <8 x double> %".1"
}

define internal preserve_allcc <8 x double> @"graphc.vecmath.sincos_large.v8f64.lanes"(<8 x double> %".1", i32 %".2", <8 x i1> %".3") cold noinline nounwind optnone readnone
{
entry:
  %".5" = bitcast <8 x i1> %".3" to i8
  %".6" = icmp ne i8 %".5", 0
  br i1 %".6", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".8" = phi  i32 [0, %"entry"], [%".17", %"lanes.next"]
  %".9" = phi  <8 x double> [%".1", %"entry"], [%".16", %"lanes.next"]
  %".10" = extractelement <8 x i1> %".3", i32 %".8"
  br i1 %".10", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".12" = extractelement <8 x double> %".1", i32 %".8"
  %".13" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".12", i32 %".2")
  %".14" = insertelement <8 x double> %".9", double %".13", i32 %".8"
  br label %"lanes.next"
lanes.next:
  %".16" = phi  <8 x double> [%".9", %"lanes.loop"], [%".14", %"lanes.call"]
  %".17" = add i32 %".8", 1
  %".18" = icmp ult i32 %".17", 8
  br i1 %".18", label %"lanes.loop", label %"lanes.done", !llvm.loop !15
lanes.done:
  %".20" = phi  <8 x double> [%".1", %"entry"], [%".16", %"lanes.next"]
  ret <8 x double> %".20"
}

define internal <4 x double> @"graphc.vecmath.sin.v4f64.call"(<4 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".1", <4 x double> <double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883>, <4 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".4" = fsub <4 x double> %".3", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".5" = bitcast <4 x double> %".3" to <4 x i64>
  %".6" = sub <4 x i64> %".5", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".7" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".4", <4 x double> <double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000>, <4 x double> %".1")
  %".8" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".4", <4 x double> <double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000>, <4 x double> %".7")
  %".9" = fmul <4 x double> %".4", <double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000>
  %".10" = fsub <4 x double> %".8", %".9"
  %".11" = fsub <4 x double> %".8", %".10"
  %".12" = fadd <4 x double> %".10", %".11"
  %".13" = fsub <4 x double> %".8", %".12"
  %".14" = fsub <4 x double> %".11", %".9"
  %".15" = fadd <4 x double> %".13", %".14"
  %".16" = fmul <4 x double> %".4", <double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000>
  %".17" = fsub <4 x double> %".10", %".16"
  %".18" = fsub <4 x double> %".10", %".17"
  %".19" = fadd <4 x double> %".17", %".18"
  %".20" = fsub <4 x double> %".10", %".19"
  %".21" = fsub <4 x double> %".18", %".16"
  %".22" = fadd <4 x double> %".20", %".21"
  %".23" = fadd <4 x double> %".15", %".22"
  %".24" = fmul <4 x double> %".4", <double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c>
  %".25" = fsub <4 x double> %".17", %".24"
  %".26" = fsub <4 x double> %".17", %".25"
  %".27" = fadd <4 x double> %".25", %".26"
  %".28" = fsub <4 x double> %".17", %".27"
  %".29" = fsub <4 x double> %".26", %".24"
  %".30" = fadd <4 x double> %".28", %".29"
  %".31" = fadd <4 x double> %".23", %".30"
  %".32" = fmul <4 x double> %".25", %".25"
  %".33" = fmul <4 x double> %".32", <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>
  %".34" = fneg <4 x double> %".33"
  %".35" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".34", <4 x double> %".31", <4 x double> %".31")
  %".36" = fmul <4 x double> %".25", %".32"
  %".37" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503>, <4 x double> %".32", <4 x double> <double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5>)
  %".38" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".37", <4 x double> %".32", <4 x double> <double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92>)
  %".39" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".38", <4 x double> %".32", <4 x double> <double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927>)
  %".40" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".39", <4 x double> %".32", <4 x double> <double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25>)
  %".41" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".40", <4 x double> %".32", <4 x double> <double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c>)
  %".42" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".36", <4 x double> %".41", <4 x double> %".35")
  %".43" = fadd <4 x double> %".25", %".42"
  %".44" = fsub <4 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".33"
  %".45" = fsub <4 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".44"
  %".46" = fsub <4 x double> %".45", %".33"
  %".47" = fneg <4 x double> %".25"
  %".48" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".47", <4 x double> %".31", <4 x double> %".46")
  %".49" = fmul <4 x double> %".32", %".32"
  %".50" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79>, <4 x double> %".32", <4 x double> <double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e>)
  %".51" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".50", <4 x double> %".32", <4 x double> <double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527>)
  %".52" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".51", <4 x double> %".32", <4 x double> <double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca>)
  %".53" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".52", <4 x double> %".32", <4 x double> <double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e>)
  %".54" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".53", <4 x double> %".32", <4 x double> <double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553>)
  %".55" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".49", <4 x double> %".54", <4 x double> %".48")
  %".56" = fadd <4 x double> %".44", %".55"
  %".57" = and <4 x i64> %".6", <i64 1, i64 1, i64 1, i64 1>
  %".58" = icmp eq <4 x i64> %".57", <i64 1, i64 1, i64 1, i64 1>
  %".59" = select  <4 x i1> %".58", <4 x double> %".56", <4 x double> %".43"
  %".60" = and <4 x i64> %".6", <i64 2, i64 2, i64 2, i64 2>
  %".61" = icmp eq <4 x i64> %".60", <i64 2, i64 2, i64 2, i64 2>
  %".62" = fneg <4 x double> %".59"
  %".63" = select  <4 x i1> %".61", <4 x double> %".62", <4 x double> %".59"
  %".64" = bitcast <4 x double> %".1" to <4 x i64>
  %".65" = and <4 x i64> %".64", <i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807>
  %".66" = bitcast <4 x i64> %".65" to <4 x double>
  %".67" = fcmp oge <4 x double> %".66", <double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000>
  %".68" = bitcast <4 x i1> %".67" to i4
  %".69" = icmp ne i4 %".68", 0
  br i1 %".69", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".71" = phi  i32 [0, %"entry"], [%".80", %"lanes.next"]
  %".72" = phi  <4 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".73" = extractelement <4 x i1> %".67", i32 %".71"
  br i1 %".73", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".75" = extractelement <4 x double> %".1", i32 %".71"
  %".76" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".75", i32 0)
  %".77" = insertelement <4 x double> %".72", double %".76", i32 %".71"
  br label %"lanes.next"
lanes.next:
  %".79" = phi  <4 x double> [%".72", %"lanes.loop"], [%".77", %"lanes.call"]
  %".80" = add i32 %".71", 1
  %".81" = icmp ult i32 %".80", 4
  br i1 %".81", label %"lanes.loop", label %"lanes.done", !llvm.loop !16
lanes.done:
  %".83" = phi  <4 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".84" = fcmp oeq <4 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0>
  %".85" = select  <4 x i1> %".84", <4 x double> %".1", <4 x double> %".83"
  ret <4 x double> %".85"
}

declare <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".1", <4 x double> %".2", <4 x double> %".3")

define internal <8 x double> @"graphc.vecmath.sin.v8f64.call"(<8 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".1", <8 x double> <double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883>, <8 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".4" = fsub <8 x double> %".3", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".5" = bitcast <8 x double> %".3" to <8 x i64>
  %".6" = sub <8 x i64> %".5", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".7" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".4", <8 x double> <double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000>, <8 x double> %".1")
  %".8" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".4", <8 x double> <double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000>, <8 x double> %".7")
  %".9" = fmul <8 x double> %".4", <double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000>
  %".10" = fsub <8 x double> %".8", %".9"
  %".11" = fsub <8 x double> %".8", %".10"
  %".12" = fadd <8 x double> %".10", %".11"
  %".13" = fsub <8 x double> %".8", %".12"
  %".14" = fsub <8 x double> %".11", %".9"
  %".15" = fadd <8 x double> %".13", %".14"
  %".16" = fmul <8 x double> %".4", <double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000>
  %".17" = fsub <8 x double> %".10", %".16"
  %".18" = fsub <8 x double> %".10", %".17"
  %".19" = fadd <8 x double> %".17", %".18"
  %".20" = fsub <8 x double> %".10", %".19"
  %".21" = fsub <8 x double> %".18", %".16"
  %".22" = fadd <8 x double> %".20", %".21"
  %".23" = fadd <8 x double> %".15", %".22"
  %".24" = fmul <8 x double> %".4", <double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c>
  %".25" = fsub <8 x double> %".17", %".24"
  %".26" = fsub <8 x double> %".17", %".25"
  %".27" = fadd <8 x double> %".25", %".26"
  %".28" = fsub <8 x double> %".17", %".27"
  %".29" = fsub <8 x double> %".26", %".24"
  %".30" = fadd <8 x double> %".28", %".29"
  %".31" = fadd <8 x double> %".23", %".30"
  %".32" = fmul <8 x double> %".25", %".25"
  %".33" = fmul <8 x double> %".32", <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>
  %".34" = fneg <8 x double> %".33"
  %".35" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".34", <8 x double> %".31", <8 x double> %".31")
  %".36" = fmul <8 x double> %".25", %".32"
  %".37" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503>, <8 x double> %".32", <8 x double> <double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5>)
  %".38" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".37", <8 x double> %".32", <8 x double> <double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92>)
  %".39" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".38", <8 x double> %".32", <8 x double> <double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927>)
  %".40" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".39", <8 x double> %".32", <8 x double> <double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25>)
  %".41" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".40", <8 x double> %".32", <8 x double> <double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c>)
  %".42" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".36", <8 x double> %".41", <8 x double> %".35")
  %".43" = fadd <8 x double> %".25", %".42"
  %".44" = fsub <8 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".33"
  %".45" = fsub <8 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".44"
  %".46" = fsub <8 x double> %".45", %".33"
  %".47" = fneg <8 x double> %".25"
  %".48" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".47", <8 x double> %".31", <8 x double> %".46")
  %".49" = fmul <8 x double> %".32", %".32"
  %".50" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79>, <8 x double> %".32", <8 x double> <double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e>)
  %".51" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".50", <8 x double> %".32", <8 x double> <double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527>)
  %".52" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".51", <8 x double> %".32", <8 x double> <double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca>)
  %".53" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".52", <8 x double> %".32", <8 x double> <double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e>)
  %".54" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".53", <8 x double> %".32", <8 x double> <double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553>)
  %".55" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".49", <8 x double> %".54", <8 x double> %".48")
  %".56" = fadd <8 x double> %".44", %".55"
  %".57" = and <8 x i64> %".6", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".58" = icmp eq <8 x i64> %".57", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".59" = select  <8 x i1> %".58", <8 x double> %".56", <8 x double> %".43"
  %".60" = and <8 x i64> %".6", <i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2>
  %".61" = icmp eq <8 x i64> %".60", <i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2>
  %".62" = fneg <8 x double> %".59"
  %".63" = select  <8 x i1> %".61", <8 x double> %".62", <8 x double> %".59"
  %".64" = bitcast <8 x double> %".1" to <8 x i64>
  %".65" = and <8 x i64> %".64", <i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807>
  %".66" = bitcast <8 x i64> %".65" to <8 x double>
  %".67" = fcmp oge <8 x double> %".66", <double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000>
  %".68" = bitcast <8 x i1> %".67" to i8
  %".69" = icmp ne i8 %".68", 0
  br i1 %".69", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".71" = phi  i32 [0, %"entry"], [%".80", %"lanes.next"]
  %".72" = phi  <8 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".73" = extractelement <8 x i1> %".67", i32 %".71"
  br i1 %".73", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".75" = extractelement <8 x double> %".1", i32 %".71"
  %".76" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".75", i32 0)
  %".77" = insertelement <8 x double> %".72", double %".76", i32 %".71"
  br label %"lanes.next"
lanes.next:
  %".79" = phi  <8 x double> [%".72", %"lanes.loop"], [%".77", %"lanes.call"]
  %".80" = add i32 %".71", 1
  %".81" = icmp ult i32 %".80", 8
  br i1 %".81", label %"lanes.loop", label %"lanes.done", !llvm.loop !17
lanes.done:
  %".83" = phi  <8 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".84" = fcmp oeq <8 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>
  %".85" = select  <8 x i1> %".84", <8 x double> %".1", <8 x double> %".83"
  ret <8 x double> %".85"
}

declare <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".1", <8 x double> %".2", <8 x double> %".3")

declare double @"llvm.fabs.f64"(double %".1")

define internal double @"graphc.vecmath.exp.f64.call"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N4v_graphc.vecmath.exp.f64.call(graphc.vecmath.exp.v4f64.call),_ZGV_LLVM_N8v_graphc.vecmath.exp.f64.call(graphc.vecmath.exp.v8f64.call)" noinline nounwind readnone
{
entry:
  %".3" = fcmp ogt double %".1", 0x4086300000000000
  %".4" = select  i1 %".3", double 0x4086300000000000, double %".1"
  %".5" = fcmp olt double %".4", 0xc087500000000000
  %".6" = select  i1 %".5", double 0xc087500000000000, double %".4"
  %".7" = call double @"llvm.fmuladd.f64"(double %".6", double 0x3ff71547652b82fe, double 0x4338000000000000)
  %".8" = fsub double %".7", 0x4338000000000000
  %".9" = bitcast double %".7" to i64
  %".10" = sub i64 %".9", 4843621399236968448
  %".11" = call double @"llvm.fmuladd.f64"(double %".8", double 0xbfe62e42fee00000, double %".6")
  %".12" = call double @"llvm.fmuladd.f64"(double %".8", double 0xbdea39ef35793c76, double %".11")
  %".13" = fmul double %".12", %".12"
  %".14" = call double @"llvm.fmuladd.f64"(double 0x3e21ee88904c2082, double %".12", double 0x3e5af5e96ffda543)
  %".15" = call double @"llvm.fmuladd.f64"(double %".14", double %".12", double 0x3e927e5363ad21b6)
  %".16" = call double @"llvm.fmuladd.f64"(double %".15", double %".12", double 0x3ec71ddf86cd66cc)
  %".17" = call double @"llvm.fmuladd.f64"(double %".16", double %".12", double 0x3efa01a017bb84bb)
  %".18" = call double @"llvm.fmuladd.f64"(double %".17", double %".12", double 0x3f2a01a01afda4a9)
  %".19" = call double @"llvm.fmuladd.f64"(double %".18", double %".12", double 0x3f56c16c16c1f0be)
  %".20" = call double @"llvm.fmuladd.f64"(double %".19", double %".12", double 0x3f8111111110f6cc)
  %".21" = call double @"llvm.fmuladd.f64"(double %".20", double %".12", double 0x3fa555555555553f)
  %".22" = call double @"llvm.fmuladd.f64"(double %".21", double %".12", double 0x3fc5555555555559)
  %".23" = call double @"llvm.fmuladd.f64"(double %".22", double %".12", double 0x3fe0000000000000)
  %".24" = call double @"llvm.fmuladd.f64"(double %".13", double %".23", double %".12")
  %".25" = ashr i64 %".10", 1
  %".26" = add i64 %".25", 1023
  %".27" = shl i64 %".26", 52
  %".28" = bitcast i64 %".27" to double
  %".29" = call double @"llvm.fmuladd.f64"(double %".28", double %".24", double %".28")
  %".30" = sub i64 %".10", %".25"
  %".31" = add i64 %".30", 1023
  %".32" = shl i64 %".31", 52
  %".33" = bitcast i64 %".32" to double
  %".34" = fmul double %".29", %".33"
  ret double %".34"
}

define internal <4 x double> @"graphc.vecmath.exp.v4f64.call"(<4 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp ogt <4 x double> %".1", <double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000>
  %".4" = select  <4 x i1> %".3", <4 x double> <double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000>, <4 x double> %".1"
  %".5" = fcmp olt <4 x double> %".4", <double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000>
  %".6" = select  <4 x i1> %".5", <4 x double> <double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000>, <4 x double> %".4"
  %".7" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".6", <4 x double> <double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe>, <4 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".8" = fsub <4 x double> %".7", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".9" = bitcast <4 x double> %".7" to <4 x i64>
  %".10" = sub <4 x i64> %".9", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".11" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".8", <4 x double> <double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000>, <4 x double> %".6")
  %".12" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".8", <4 x double> <double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76>, <4 x double> %".11")
  %".13" = fmul <4 x double> %".12", %".12"
  %".14" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082>, <4 x double> %".12", <4 x double> <double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543>)
  %".15" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".14", <4 x double> %".12", <4 x double> <double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6>)
  %".16" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".15", <4 x double> %".12", <4 x double> <double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc>)
  %".17" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".16", <4 x double> %".12", <4 x double> <double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb>)
  %".18" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".17", <4 x double> %".12", <4 x double> <double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9>)
  %".19" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".18", <4 x double> %".12", <4 x double> <double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be>)
  %".20" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".19", <4 x double> %".12", <4 x double> <double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc>)
  %".21" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".20", <4 x double> %".12", <4 x double> <double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f>)
  %".22" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".21", <4 x double> %".12", <4 x double> <double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559>)
  %".23" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".22", <4 x double> %".12", <4 x double> <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>)
  %".24" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".13", <4 x double> %".23", <4 x double> %".12")
  %".25" = ashr <4 x i64> %".10", <i64 1, i64 1, i64 1, i64 1>
  %".26" = add <4 x i64> %".25", <i64 1023, i64 1023, i64 1023, i64 1023>
  %".27" = shl <4 x i64> %".26", <i64 52, i64 52, i64 52, i64 52>
  %".28" = bitcast <4 x i64> %".27" to <4 x double>
  %".29" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".28", <4 x double> %".24", <4 x double> %".28")
  %".30" = sub <4 x i64> %".10", %".25"
  %".31" = add <4 x i64> %".30", <i64 1023, i64 1023, i64 1023, i64 1023>
  %".32" = shl <4 x i64> %".31", <i64 52, i64 52, i64 52, i64 52>
  %".33" = bitcast <4 x i64> %".32" to <4 x double>
  %".34" = fmul <4 x double> %".29", %".33"
  ret <4 x double> %".34"
}

define internal <8 x double> @"graphc.vecmath.exp.v8f64.call"(<8 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp ogt <8 x double> %".1", <double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000>
  %".4" = select  <8 x i1> %".3", <8 x double> <double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000, double 0x4086300000000000>, <8 x double> %".1"
  %".5" = fcmp olt <8 x double> %".4", <double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000>
  %".6" = select  <8 x i1> %".5", <8 x double> <double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000, double 0xc087500000000000>, <8 x double> %".4"
  %".7" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".6", <8 x double> <double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe, double 0x3ff71547652b82fe>, <8 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".8" = fsub <8 x double> %".7", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".9" = bitcast <8 x double> %".7" to <8 x i64>
  %".10" = sub <8 x i64> %".9", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".11" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".8", <8 x double> <double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000, double 0xbfe62e42fee00000>, <8 x double> %".6")
  %".12" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".8", <8 x double> <double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76, double 0xbdea39ef35793c76>, <8 x double> %".11")
  %".13" = fmul <8 x double> %".12", %".12"
  %".14" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082, double 0x3e21ee88904c2082>, <8 x double> %".12", <8 x double> <double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543, double 0x3e5af5e96ffda543>)
  %".15" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".14", <8 x double> %".12", <8 x double> <double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6, double 0x3e927e5363ad21b6>)
  %".16" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".15", <8 x double> %".12", <8 x double> <double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc, double 0x3ec71ddf86cd66cc>)
  %".17" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".16", <8 x double> %".12", <8 x double> <double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb, double 0x3efa01a017bb84bb>)
  %".18" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".17", <8 x double> %".12", <8 x double> <double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9, double 0x3f2a01a01afda4a9>)
  %".19" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".18", <8 x double> %".12", <8 x double> <double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be, double 0x3f56c16c16c1f0be>)
  %".20" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".19", <8 x double> %".12", <8 x double> <double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc, double 0x3f8111111110f6cc>)
  %".21" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".20", <8 x double> %".12", <8 x double> <double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f, double 0x3fa555555555553f>)
  %".22" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".21", <8 x double> %".12", <8 x double> <double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559, double 0x3fc5555555555559>)
  %".23" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".22", <8 x double> %".12", <8 x double> <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>)
  %".24" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".13", <8 x double> %".23", <8 x double> %".12")
  %".25" = ashr <8 x i64> %".10", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".26" = add <8 x i64> %".25", <i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023>
  %".27" = shl <8 x i64> %".26", <i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52>
  %".28" = bitcast <8 x i64> %".27" to <8 x double>
  %".29" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".28", <8 x double> %".24", <8 x double> %".28")
  %".30" = sub <8 x i64> %".10", %".25"
  %".31" = add <8 x i64> %".30", <i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023, i64 1023>
  %".32" = shl <8 x i64> %".31", <i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52>
  %".33" = bitcast <8 x i64> %".32" to <8 x double>
  %".34" = fmul <8 x double> %".29", %".33"
  ret <8 x double> %".34"
}

define internal double @"graphc.vecmath.log.f64.call"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N4v_graphc.vecmath.log.f64.call(graphc.vecmath.log.v4f64.call),_ZGV_LLVM_N8v_graphc.vecmath.log.f64.call(graphc.vecmath.log.v8f64.call)" noinline nounwind readnone
{
entry:
  %".3" = fcmp olt double %".1", 0x10000000000000
  %".4" = fmul double %".1", 0x4330000000000000
  %".5" = select  i1 %".3", double %".4", double %".1"
  %".6" = bitcast double %".5" to i64
  %".7" = sub i64 %".6", 4604544271217802189
  %".8" = ashr i64 %".7", 52
  %".9" = and i64 %".7", 4503599627370495
  %".10" = add i64 %".9", 4604544271217802189
  %".11" = bitcast i64 %".10" to double
  %".12" = select  i1 %".3", i64 52, i64 0
  %".13" = sub i64 %".8", %".12"
  %".14" = fsub double %".11", 0x3ff0000000000000
  %".15" = add i64 %".13", 4843621399236968448
  %".16" = bitcast i64 %".15" to double
  %".17" = fsub double %".16", 0x4338000000000000
  %".18" = fadd double 0x4000000000000000, %".14"
  %".19" = fdiv double %".14", %".18"
  %".20" = fmul double %".19", %".19"
  %".21" = call double @"llvm.fmuladd.f64"(double 0x3fc2f51b96dc75c5, double %".20", double 0x3fc399d16a2c69e0)
  %".22" = call double @"llvm.fmuladd.f64"(double %".21", double %".20", double 0x3fc7466488b2256b)
  %".23" = call double @"llvm.fmuladd.f64"(double %".22", double %".20", double 0x3fcc71c52bb76979)
  %".24" = call double @"llvm.fmuladd.f64"(double %".23", double %".20", double 0x3fd2492493fb0a3f)
  %".25" = call double @"llvm.fmuladd.f64"(double %".24", double %".20", double 0x3fd99999999847b8)
  %".26" = call double @"llvm.fmuladd.f64"(double %".25", double %".20", double 0x3fe555555555557c)
  %".27" = fmul double %".20", %".26"
  %".28" = fmul double 0x3fe0000000000000, %".14"
  %".29" = fmul double %".28", %".14"
  %".30" = fadd double %".29", %".27"
  %".31" = call double @"llvm.fmuladd.f64"(double %".17", double 0x3dea39ef35793c76, double              0x0)
  %".32" = call double @"llvm.fmuladd.f64"(double %".19", double %".30", double %".31")
  %".33" = fsub double %".29", %".32"
  %".34" = fsub double %".33", %".14"
  %".35" = fneg double %".34"
  %".36" = call double @"llvm.fmuladd.f64"(double %".17", double 0x3fe62e42fee00000, double %".35")
  %".37" = fcmp oeq double %".1", 0x7ff0000000000000
  %".38" = select  i1 %".37", double %".1", double %".36"
  %".39" = fcmp oeq double %".1",              0x0
  %".40" = select  i1 %".39", double 0xfff0000000000000, double %".38"
  %".41" = fcmp ult double %".1",              0x0
  %".42" = select  i1 %".41", double 0x7ff8000000000000, double %".40"
  ret double %".42"
}

define internal <4 x double> @"graphc.vecmath.log.v4f64.call"(<4 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp olt <4 x double> %".1", <double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000>
  %".4" = fmul <4 x double> %".1", <double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000>
  %".5" = select  <4 x i1> %".3", <4 x double> %".4", <4 x double> %".1"
  %".6" = bitcast <4 x double> %".5" to <4 x i64>
  %".7" = sub <4 x i64> %".6", <i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189>
  %".8" = ashr <4 x i64> %".7", <i64 52, i64 52, i64 52, i64 52>
  %".9" = and <4 x i64> %".7", <i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495>
  %".10" = add <4 x i64> %".9", <i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189>
  %".11" = bitcast <4 x i64> %".10" to <4 x double>
  %".12" = select  <4 x i1> %".3", <4 x i64> <i64 52, i64 52, i64 52, i64 52>, <4 x i64> <i64 0, i64 0, i64 0, i64 0>
  %".13" = sub <4 x i64> %".8", %".12"
  %".14" = fsub <4 x double> %".11", <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>
  %".15" = add <4 x i64> %".13", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".16" = bitcast <4 x i64> %".15" to <4 x double>
  %".17" = fsub <4 x double> %".16", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".18" = fadd <4 x double> <double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000>, %".14"
  %".19" = fdiv <4 x double> %".14", %".18"
  %".20" = fmul <4 x double> %".19", %".19"
  %".21" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5>, <4 x double> %".20", <4 x double> <double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0>)
  %".22" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".21", <4 x double> %".20", <4 x double> <double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b>)
  %".23" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".22", <4 x double> %".20", <4 x double> <double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979>)
  %".24" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".23", <4 x double> %".20", <4 x double> <double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f>)
  %".25" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".24", <4 x double> %".20", <4 x double> <double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8>)
  %".26" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".25", <4 x double> %".20", <4 x double> <double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c>)
  %".27" = fmul <4 x double> %".20", %".26"
  %".28" = fmul <4 x double> <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>, %".14"
  %".29" = fmul <4 x double> %".28", %".14"
  %".30" = fadd <4 x double> %".29", %".27"
  %".31" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".17", <4 x double> <double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76>, <4 x double> <double              0x0, double              0x0, double              0x0, double              0x0>)
  %".32" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".19", <4 x double> %".30", <4 x double> %".31")
  %".33" = fsub <4 x double> %".29", %".32"
  %".34" = fsub <4 x double> %".33", %".14"
  %".35" = fneg <4 x double> %".34"
  %".36" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".17", <4 x double> <double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000>, <4 x double> %".35")
  %".37" = fcmp oeq <4 x double> %".1", <double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000>
  %".38" = select  <4 x i1> %".37", <4 x double> %".1", <4 x double> %".36"
  %".39" = fcmp oeq <4 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0>
  %".40" = select  <4 x i1> %".39", <4 x double> <double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000>, <4 x double> %".38"
  %".41" = fcmp ult <4 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0>
  %".42" = select  <4 x i1> %".41", <4 x double> <double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000>, <4 x double> %".40"
  ret <4 x double> %".42"
}

define internal <8 x double> @"graphc.vecmath.log.v8f64.call"(<8 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = fcmp olt <8 x double> %".1", <double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000, double 0x10000000000000>
  %".4" = fmul <8 x double> %".1", <double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000, double 0x4330000000000000>
  %".5" = select  <8 x i1> %".3", <8 x double> %".4", <8 x double> %".1"
  %".6" = bitcast <8 x double> %".5" to <8 x i64>
  %".7" = sub <8 x i64> %".6", <i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189>
  %".8" = ashr <8 x i64> %".7", <i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52>
  %".9" = and <8 x i64> %".7", <i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495, i64 4503599627370495>
  %".10" = add <8 x i64> %".9", <i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189, i64 4604544271217802189>
  %".11" = bitcast <8 x i64> %".10" to <8 x double>
  %".12" = select  <8 x i1> %".3", <8 x i64> <i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52, i64 52>, <8 x i64> <i64 0, i64 0, i64 0, i64 0, i64 0, i64 0, i64 0, i64 0>
  %".13" = sub <8 x i64> %".8", %".12"
  %".14" = fsub <8 x double> %".11", <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>
  %".15" = add <8 x i64> %".13", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".16" = bitcast <8 x i64> %".15" to <8 x double>
  %".17" = fsub <8 x double> %".16", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".18" = fadd <8 x double> <double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000, double 0x4000000000000000>, %".14"
  %".19" = fdiv <8 x double> %".14", %".18"
  %".20" = fmul <8 x double> %".19", %".19"
  %".21" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5, double 0x3fc2f51b96dc75c5>, <8 x double> %".20", <8 x double> <double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0, double 0x3fc399d16a2c69e0>)
  %".22" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".21", <8 x double> %".20", <8 x double> <double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b, double 0x3fc7466488b2256b>)
  %".23" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".22", <8 x double> %".20", <8 x double> <double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979, double 0x3fcc71c52bb76979>)
  %".24" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".23", <8 x double> %".20", <8 x double> <double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f, double 0x3fd2492493fb0a3f>)
  %".25" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".24", <8 x double> %".20", <8 x double> <double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8, double 0x3fd99999999847b8>)
  %".26" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".25", <8 x double> %".20", <8 x double> <double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c, double 0x3fe555555555557c>)
  %".27" = fmul <8 x double> %".20", %".26"
  %".28" = fmul <8 x double> <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>, %".14"
  %".29" = fmul <8 x double> %".28", %".14"
  %".30" = fadd <8 x double> %".29", %".27"
  %".31" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".17", <8 x double> <double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76, double 0x3dea39ef35793c76>, <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>)
  %".32" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".19", <8 x double> %".30", <8 x double> %".31")
  %".33" = fsub <8 x double> %".29", %".32"
  %".34" = fsub <8 x double> %".33", %".14"
  %".35" = fneg <8 x double> %".34"
  %".36" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".17", <8 x double> <double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000, double 0x3fe62e42fee00000>, <8 x double> %".35")
  %".37" = fcmp oeq <8 x double> %".1", <double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000, double 0x7ff0000000000000>
  %".38" = select  <8 x i1> %".37", <8 x double> %".1", <8 x double> %".36"
  %".39" = fcmp oeq <8 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>
  %".40" = select  <8 x i1> %".39", <8 x double> <double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000, double 0xfff0000000000000>, <8 x double> %".38"
  %".41" = fcmp ult <8 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>
  %".42" = select  <8 x i1> %".41", <8 x double> <double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000, double 0x7ff8000000000000>, <8 x double> %".40"
  ret <8 x double> %".42"
}

define internal double @"graphc.vecmath.cos.f64.call"(double %".1") "vector-function-abi-variant"="_ZGV_LLVM_N4v_graphc.vecmath.cos.f64.call(graphc.vecmath.cos.v4f64.call),_ZGV_LLVM_N8v_graphc.vecmath.cos.f64.call(graphc.vecmath.cos.v8f64.call)" noinline nounwind readnone
{
entry:
  %".3" = call double @"llvm.fmuladd.f64"(double %".1", double 0x3fe45f306dc9c883, double 0x4338000000000000)
  %".4" = fsub double %".3", 0x4338000000000000
  %".5" = bitcast double %".3" to i64
  %".6" = sub i64 %".5", 4843621399236968448
  %".7" = call double @"llvm.fmuladd.f64"(double %".4", double 0xbff921fb40000000, double %".1")
  %".8" = call double @"llvm.fmuladd.f64"(double %".4", double 0xbe74442d00000000, double %".7")
  %".9" = fmul double %".4", 0x3cf8469880000000
  %".10" = fsub double %".8", %".9"
  %".11" = fsub double %".8", %".10"
  %".12" = fadd double %".10", %".11"
  %".13" = fsub double %".8", %".12"
  %".14" = fsub double %".11", %".9"
  %".15" = fadd double %".13", %".14"
  %".16" = fmul double %".4", 0x3b78cc5180000000
  %".17" = fsub double %".10", %".16"
  %".18" = fsub double %".10", %".17"
  %".19" = fadd double %".17", %".18"
  %".20" = fsub double %".10", %".19"
  %".21" = fsub double %".18", %".16"
  %".22" = fadd double %".20", %".21"
  %".23" = fadd double %".15", %".22"
  %".24" = fmul double %".4", 0xb9efc8f8cbb5bf6c
  %".25" = fsub double %".17", %".24"
  %".26" = fsub double %".17", %".25"
  %".27" = fadd double %".25", %".26"
  %".28" = fsub double %".17", %".27"
  %".29" = fsub double %".26", %".24"
  %".30" = fadd double %".28", %".29"
  %".31" = fadd double %".23", %".30"
  %".32" = add i64 %".6", 1
  %".33" = fmul double %".25", %".25"
  %".34" = fmul double %".33", 0x3fe0000000000000
  %".35" = fneg double %".34"
  %".36" = call double @"llvm.fmuladd.f64"(double %".35", double %".31", double %".31")
  %".37" = fmul double %".25", %".33"
  %".38" = call double @"llvm.fmuladd.f64"(double 0x3de5d8609eb68503, double %".33", double 0xbe5ae5e479b6eaa5)
  %".39" = call double @"llvm.fmuladd.f64"(double %".38", double %".33", double 0x3ec71de3569add92)
  %".40" = call double @"llvm.fmuladd.f64"(double %".39", double %".33", double 0xbf2a01a019c2a927)
  %".41" = call double @"llvm.fmuladd.f64"(double %".40", double %".33", double 0x3f8111111110fb25)
  %".42" = call double @"llvm.fmuladd.f64"(double %".41", double %".33", double 0xbfc555555555554c)
  %".43" = call double @"llvm.fmuladd.f64"(double %".37", double %".42", double %".36")
  %".44" = fadd double %".25", %".43"
  %".45" = fsub double 0x3ff0000000000000, %".34"
  %".46" = fsub double 0x3ff0000000000000, %".45"
  %".47" = fsub double %".46", %".34"
  %".48" = fneg double %".25"
  %".49" = call double @"llvm.fmuladd.f64"(double %".48", double %".31", double %".47")
  %".50" = fmul double %".33", %".33"
  %".51" = call double @"llvm.fmuladd.f64"(double 0xbda8ff8731422a79, double %".33", double 0x3e21eea86ff2e75e)
  %".52" = call double @"llvm.fmuladd.f64"(double %".51", double %".33", double 0xbe927e4f90129527)
  %".53" = call double @"llvm.fmuladd.f64"(double %".52", double %".33", double 0x3efa01a019e21dca)
  %".54" = call double @"llvm.fmuladd.f64"(double %".53", double %".33", double 0xbf56c16c16c1611e)
  %".55" = call double @"llvm.fmuladd.f64"(double %".54", double %".33", double 0x3fa5555555555553)
  %".56" = call double @"llvm.fmuladd.f64"(double %".50", double %".55", double %".49")
  %".57" = fadd double %".45", %".56"
  %".58" = and i64 %".32", 1
  %".59" = icmp eq i64 %".58", 1
  %".60" = select  i1 %".59", double %".57", double %".44"
  %".61" = and i64 %".32", 2
  %".62" = icmp eq i64 %".61", 2
  %".63" = fneg double %".60"
  %".64" = select  i1 %".62", double %".63", double %".60"
  %".65" = bitcast double %".1" to i64
  %".66" = and i64 %".65", 9223372036854775807
  %".67" = bitcast i64 %".66" to double
  %".68" = fcmp oge double %".67", 0x41d7d78400000000
  br i1 %".68", label %"sincos.large", label %"sincos.done", !prof !11
sincos.large:
  %".70" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".1", i32 1)
  br label %"sincos.done"
sincos.done:
  %".72" = phi  double [%".64", %"entry"], [%".70", %"sincos.large"]
  ret double %".72"
}

define internal <4 x double> @"graphc.vecmath.cos.v4f64.call"(<4 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".1", <4 x double> <double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883>, <4 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".4" = fsub <4 x double> %".3", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".5" = bitcast <4 x double> %".3" to <4 x i64>
  %".6" = sub <4 x i64> %".5", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".7" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".4", <4 x double> <double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000>, <4 x double> %".1")
  %".8" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".4", <4 x double> <double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000>, <4 x double> %".7")
  %".9" = fmul <4 x double> %".4", <double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000>
  %".10" = fsub <4 x double> %".8", %".9"
  %".11" = fsub <4 x double> %".8", %".10"
  %".12" = fadd <4 x double> %".10", %".11"
  %".13" = fsub <4 x double> %".8", %".12"
  %".14" = fsub <4 x double> %".11", %".9"
  %".15" = fadd <4 x double> %".13", %".14"
  %".16" = fmul <4 x double> %".4", <double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000>
  %".17" = fsub <4 x double> %".10", %".16"
  %".18" = fsub <4 x double> %".10", %".17"
  %".19" = fadd <4 x double> %".17", %".18"
  %".20" = fsub <4 x double> %".10", %".19"
  %".21" = fsub <4 x double> %".18", %".16"
  %".22" = fadd <4 x double> %".20", %".21"
  %".23" = fadd <4 x double> %".15", %".22"
  %".24" = fmul <4 x double> %".4", <double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c>
  %".25" = fsub <4 x double> %".17", %".24"
  %".26" = fsub <4 x double> %".17", %".25"
  %".27" = fadd <4 x double> %".25", %".26"
  %".28" = fsub <4 x double> %".17", %".27"
  %".29" = fsub <4 x double> %".26", %".24"
  %".30" = fadd <4 x double> %".28", %".29"
  %".31" = fadd <4 x double> %".23", %".30"
  %".32" = add <4 x i64> %".6", <i64 1, i64 1, i64 1, i64 1>
  %".33" = fmul <4 x double> %".25", %".25"
  %".34" = fmul <4 x double> %".33", <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>
  %".35" = fneg <4 x double> %".34"
  %".36" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".35", <4 x double> %".31", <4 x double> %".31")
  %".37" = fmul <4 x double> %".25", %".33"
  %".38" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503>, <4 x double> %".33", <4 x double> <double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5>)
  %".39" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".38", <4 x double> %".33", <4 x double> <double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92>)
  %".40" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".39", <4 x double> %".33", <4 x double> <double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927>)
  %".41" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".40", <4 x double> %".33", <4 x double> <double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25>)
  %".42" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".41", <4 x double> %".33", <4 x double> <double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c>)
  %".43" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".37", <4 x double> %".42", <4 x double> %".36")
  %".44" = fadd <4 x double> %".25", %".43"
  %".45" = fsub <4 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".34"
  %".46" = fsub <4 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".45"
  %".47" = fsub <4 x double> %".46", %".34"
  %".48" = fneg <4 x double> %".25"
  %".49" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".48", <4 x double> %".31", <4 x double> %".47")
  %".50" = fmul <4 x double> %".33", %".33"
  %".51" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> <double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79>, <4 x double> %".33", <4 x double> <double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e>)
  %".52" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".51", <4 x double> %".33", <4 x double> <double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527>)
  %".53" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".52", <4 x double> %".33", <4 x double> <double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca>)
  %".54" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".53", <4 x double> %".33", <4 x double> <double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e>)
  %".55" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".54", <4 x double> %".33", <4 x double> <double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553>)
  %".56" = call <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".50", <4 x double> %".55", <4 x double> %".49")
  %".57" = fadd <4 x double> %".45", %".56"
  %".58" = and <4 x i64> %".32", <i64 1, i64 1, i64 1, i64 1>
  %".59" = icmp eq <4 x i64> %".58", <i64 1, i64 1, i64 1, i64 1>
  %".60" = select  <4 x i1> %".59", <4 x double> %".57", <4 x double> %".44"
  %".61" = and <4 x i64> %".32", <i64 2, i64 2, i64 2, i64 2>
  %".62" = icmp eq <4 x i64> %".61", <i64 2, i64 2, i64 2, i64 2>
  %".63" = fneg <4 x double> %".60"
  %".64" = select  <4 x i1> %".62", <4 x double> %".63", <4 x double> %".60"
  %".65" = bitcast <4 x double> %".1" to <4 x i64>
  %".66" = and <4 x i64> %".65", <i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807>
  %".67" = bitcast <4 x i64> %".66" to <4 x double>
  %".68" = fcmp oge <4 x double> %".67", <double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000>
  %".69" = bitcast <4 x i1> %".68" to i4
  %".70" = icmp ne i4 %".69", 0
  br i1 %".70", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".72" = phi  i32 [0, %"entry"], [%".81", %"lanes.next"]
  %".73" = phi  <4 x double> [%".64", %"entry"], [%".80", %"lanes.next"]
  %".74" = extractelement <4 x i1> %".68", i32 %".72"
  br i1 %".74", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".76" = extractelement <4 x double> %".1", i32 %".72"
  %".77" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".76", i32 1)
  %".78" = insertelement <4 x double> %".73", double %".77", i32 %".72"
  br label %"lanes.next"
lanes.next:
  %".80" = phi  <4 x double> [%".73", %"lanes.loop"], [%".78", %"lanes.call"]
  %".81" = add i32 %".72", 1
  %".82" = icmp ult i32 %".81", 4
  br i1 %".82", label %"lanes.loop", label %"lanes.done", !llvm.loop !21
lanes.done:
  %".84" = phi  <4 x double> [%".64", %"entry"], [%".80", %"lanes.next"]
  ret <4 x double> %".84"
}

define internal <8 x double> @"graphc.vecmath.cos.v8f64.call"(<8 x double> %".1") noinline nounwind readnone
{
entry:
  %".3" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".1", <8 x double> <double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883, double 0x3fe45f306dc9c883>, <8 x double> <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>)
  %".4" = fsub <8 x double> %".3", <double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000, double 0x4338000000000000>
  %".5" = bitcast <8 x double> %".3" to <8 x i64>
  %".6" = sub <8 x i64> %".5", <i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448, i64 4843621399236968448>
  %".7" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".4", <8 x double> <double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000, double 0xbff921fb40000000>, <8 x double> %".1")
  %".8" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".4", <8 x double> <double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000, double 0xbe74442d00000000>, <8 x double> %".7")
  %".9" = fmul <8 x double> %".4", <double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000, double 0x3cf8469880000000>
  %".10" = fsub <8 x double> %".8", %".9"
  %".11" = fsub <8 x double> %".8", %".10"
  %".12" = fadd <8 x double> %".10", %".11"
  %".13" = fsub <8 x double> %".8", %".12"
  %".14" = fsub <8 x double> %".11", %".9"
  %".15" = fadd <8 x double> %".13", %".14"
  %".16" = fmul <8 x double> %".4", <double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000, double 0x3b78cc5180000000>
  %".17" = fsub <8 x double> %".10", %".16"
  %".18" = fsub <8 x double> %".10", %".17"
  %".19" = fadd <8 x double> %".17", %".18"
  %".20" = fsub <8 x double> %".10", %".19"
  %".21" = fsub <8 x double> %".18", %".16"
  %".22" = fadd <8 x double> %".20", %".21"
  %".23" = fadd <8 x double> %".15", %".22"
  %".24" = fmul <8 x double> %".4", <double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c, double 0xb9efc8f8cbb5bf6c>
  %".25" = fsub <8 x double> %".17", %".24"
  %".26" = fsub <8 x double> %".17", %".25"
  %".27" = fadd <8 x double> %".25", %".26"
  %".28" = fsub <8 x double> %".17", %".27"
  %".29" = fsub <8 x double> %".26", %".24"
  %".30" = fadd <8 x double> %".28", %".29"
  %".31" = fadd <8 x double> %".23", %".30"
  %".32" = add <8 x i64> %".6", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".33" = fmul <8 x double> %".25", %".25"
  %".34" = fmul <8 x double> %".33", <double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000, double 0x3fe0000000000000>
  %".35" = fneg <8 x double> %".34"
  %".36" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".35", <8 x double> %".31", <8 x double> %".31")
  %".37" = fmul <8 x double> %".25", %".33"
  %".38" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503, double 0x3de5d8609eb68503>, <8 x double> %".33", <8 x double> <double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5, double 0xbe5ae5e479b6eaa5>)
  %".39" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".38", <8 x double> %".33", <8 x double> <double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92, double 0x3ec71de3569add92>)
  %".40" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".39", <8 x double> %".33", <8 x double> <double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927, double 0xbf2a01a019c2a927>)
  %".41" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".40", <8 x double> %".33", <8 x double> <double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25, double 0x3f8111111110fb25>)
  %".42" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".41", <8 x double> %".33", <8 x double> <double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c, double 0xbfc555555555554c>)
  %".43" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".37", <8 x double> %".42", <8 x double> %".36")
  %".44" = fadd <8 x double> %".25", %".43"
  %".45" = fsub <8 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".34"
  %".46" = fsub <8 x double> <double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000, double 0x3ff0000000000000>, %".45"
  %".47" = fsub <8 x double> %".46", %".34"
  %".48" = fneg <8 x double> %".25"
  %".49" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".48", <8 x double> %".31", <8 x double> %".47")
  %".50" = fmul <8 x double> %".33", %".33"
  %".51" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> <double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79, double 0xbda8ff8731422a79>, <8 x double> %".33", <8 x double> <double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e, double 0x3e21eea86ff2e75e>)
  %".52" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".51", <8 x double> %".33", <8 x double> <double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527, double 0xbe927e4f90129527>)
  %".53" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".52", <8 x double> %".33", <8 x double> <double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca, double 0x3efa01a019e21dca>)
  %".54" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".53", <8 x double> %".33", <8 x double> <double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e, double 0xbf56c16c16c1611e>)
  %".55" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".54", <8 x double> %".33", <8 x double> <double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553, double 0x3fa5555555555553>)
  %".56" = call <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".50", <8 x double> %".55", <8 x double> %".49")
  %".57" = fadd <8 x double> %".45", %".56"
  %".58" = and <8 x i64> %".32", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".59" = icmp eq <8 x i64> %".58", <i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1, i64 1>
  %".60" = select  <8 x i1> %".59", <8 x double> %".57", <8 x double> %".44"
  %".61" = and <8 x i64> %".32", <i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2>
  %".62" = icmp eq <8 x i64> %".61", <i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2, i64 2>
  %".63" = fneg <8 x double> %".60"
  %".64" = select  <8 x i1> %".62", <8 x double> %".63", <8 x double> %".60"
  %".65" = bitcast <8 x double> %".1" to <8 x i64>
  %".66" = and <8 x i64> %".65", <i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807, i64 9223372036854775807>
  %".67" = bitcast <8 x i64> %".66" to <8 x double>
  %".68" = fcmp oge <8 x double> %".67", <double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000, double 0x41d7d78400000000>
  %".69" = bitcast <8 x i1> %".68" to i8
  %".70" = icmp ne i8 %".69", 0
  br i1 %".70", label %"lanes.loop", label %"lanes.done", !prof !11
lanes.loop:
  %".72" = phi  i32 [0, %"entry"], [%".81", %"lanes.next"]
  %".73" = phi  <8 x double> [%".64", %"entry"], [%".80", %"lanes.next"]
  %".74" = extractelement <8 x i1> %".68", i32 %".72"
  br i1 %".74", label %"lanes.call", label %"lanes.next"
lanes.call:
  %".76" = extractelement <8 x double> %".1", i32 %".72"
  %".77" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".76", i32 1)
  %".78" = insertelement <8 x double> %".73", double %".77", i32 %".72"
  br label %"lanes.next"
lanes.next:
  %".80" = phi  <8 x double> [%".73", %"lanes.loop"], [%".78", %"lanes.call"]
  %".81" = add i32 %".72", 1
  %".82" = icmp ult i32 %".81", 8
  br i1 %".82", label %"lanes.loop", label %"lanes.done", !llvm.loop !22
lanes.done:
  %".84" = phi  <8 x double> [%".64", %"entry"], [%".80", %"lanes.next"]
  ret <8 x double> %".84"
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
  %".34" = getelementptr i64, ptr %".2", i64 7
  %".35" = load i64, ptr %".34"
  %".36" = getelementptr ptr, ptr %".1", i64 %".35"
  %".37" = load ptr, ptr %".36"
  %".38" = getelementptr i64, ptr %".2", i64 8
  %".39" = load i64, ptr %".38"
  %".40" = getelementptr ptr, ptr %".1", i64 %".39"
  %".41" = load ptr, ptr %".40"
  %".42" = getelementptr i64, ptr %".2", i64 9
  %".43" = load i64, ptr %".42"
  %".44" = getelementptr ptr, ptr %".1", i64 %".43"
  %".45" = load ptr, ptr %".44"
  call void @"k2_loop.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", ptr %".29", ptr %".33", ptr %".37", ptr %".41", ptr %".45", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k3_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = bitcast double* %".6" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".7", align 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [0, %"entry"], [%".32", %"d4001.done"]
  %".10" = icmp slt i64 %"i0", 64
  br i1 %".10", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d4001.head"
d0.done:
  %".34" = bitcast double* %".6" to <8 x double>*
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
  %".46" = getelementptr inbounds double, ptr %".2", i64 0
  store double %".45", ptr %".46"
  ret void
d4001.head:
  %"i4001" = phi  i64 [0, %"d0.body"], [%".30", %"d5001.done"]
  %".13" = icmp slt i64 %"i4001", 6
  br i1 %".13", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".15" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".32" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !29
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".28", %"d5001.body"]
  %".17" = icmp slt i64 %"i5001", 8
  br i1 %".17", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".19" = add i64 %".15", %"i5001"
  %".20" = getelementptr double, double* %".6", i64 %"i5001"
  %".21" = load double, double* %".20", !llvm.access.group !2
  %".22" = mul i64 %"i0", 48
  %".23" = add i64 %".22", %".19"
  %".24" = getelementptr inbounds double, ptr %".1", i64 %".23"
  %".25" = load double, ptr %".24", !llvm.access.group !2
  %".26" = fadd double %".21", %".25"
  store double %".26", double* %".20", !llvm.access.group !2
  %".28" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !27
d5001.done:
  %".30" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !28
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

define internal void @"k4_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = alloca double, i32 8
  %".8" = bitcast double* %".7" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".8", align 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [0, %"entry"], [%".33", %"d4001.done"]
  %".11" = icmp slt i64 %"i0", 64
  br i1 %".11", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d4001.head"
d0.done:
  %".35" = bitcast double* %".7" to <8 x double>*
  %".36" = load <8 x double>, <8 x double>* %".35", align 8
  %".37" = shufflevector <8 x double> %".36", <8 x double> %".36", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".38" = shufflevector <8 x double> %".36", <8 x double> %".36", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".39" = fadd <4 x double> %".37", %".38"
  %".40" = shufflevector <4 x double> %".39", <4 x double> %".39", <2 x i32> <i32 0, i32 1>
  %".41" = shufflevector <4 x double> %".39", <4 x double> %".39", <2 x i32> <i32 2, i32 3>
  %".42" = fadd <2 x double> %".40", %".41"
  %".43" = shufflevector <2 x double> %".42", <2 x double> %".42", <1 x i32> <i32 0>
  %".44" = shufflevector <2 x double> %".42", <2 x double> %".42", <1 x i32> <i32 1>
  %".45" = fadd <1 x double> %".43", %".44"
  %".46" = extractelement <1 x double> %".45", i32 0
  br label %"d0.head.1"
d4001.head:
  %"i4001" = phi  i64 [0, %"d0.body"], [%".31", %"d5001.done"]
  %".14" = icmp slt i64 %"i4001", 6
  br i1 %".14", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".16" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".33" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !32
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".29", %"d5001.body"]
  %".18" = icmp slt i64 %"i5001", 8
  br i1 %".18", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".20" = add i64 %".16", %"i5001"
  %".21" = getelementptr double, double* %".7", i64 %"i5001"
  %".22" = load double, double* %".21", !llvm.access.group !2
  %".23" = mul i64 %"i0", 48
  %".24" = add i64 %".23", %".20"
  %".25" = getelementptr inbounds double, ptr %".1", i64 %".24"
  %".26" = load double, ptr %".25", !llvm.access.group !2
  %".27" = fadd double %".22", %".26"
  store double %".27", double* %".21", !llvm.access.group !2
  %".29" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !30
d5001.done:
  %".31" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !31
d0.head.1:
  %"i0.1" = phi  i64 [0, %"d0.done"], [%".63", %"d1.done"]
  %".48" = icmp slt i64 %"i0.1", 64
  br i1 %".48", label %"d0.body.1", label %"d0.done.1"
d0.body.1:
  br label %"d1.head"
d0.done.1:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body.1"], [%".61", %"d1.body"]
  %".51" = icmp slt i64 %"i1", 48
  br i1 %".51", label %"d1.body", label %"d1.done"
d1.body:
  %".53" = mul i64 %"i0.1", 48
  %".54" = add i64 %".53", %"i1"
  %".55" = getelementptr inbounds double, ptr %".2", i64 %".54"
  %".56" = load double, ptr %".55", !llvm.access.group !2
  %".57" = fmul double %".46", 0x3f35555555555555
  %".58" = fadd double %".56", %".57"
  %".59" = getelementptr inbounds double, ptr %".3", i64 %".54"
  store double %".58", ptr %".59", !llvm.access.group !2
  %".61" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !33
d1.done:
  %".63" = add nsw nuw i64 %"i0.1", 1
  br label %"d0.head.1", !llvm.loop !34
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
  call void @"k4_loop.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k5_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", ptr noalias %".6", ptr noalias %".7", ptr noalias %".8", i64 %".9", i64 %".10") noinline nounwind
{
entry:
  %".12" = alloca double, i32 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".9", %"entry"], [%".77", %"d1.done"]
  %".14" = icmp slt i64 %"i0", %".10"
  br i1 %".14", label %"d0.body", label %"d0.done"
d0.body:
  %".16" = bitcast double* %".12" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".16", align 8
  br label %"d4001.head"
d0.done:
  ret void
d4001.head:
  %"i4001" = phi  i64 [0, %"d0.body"], [%".36", %"d5001.done"]
  %".19" = icmp slt i64 %"i4001", 8
  br i1 %".19", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".21" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".38" = bitcast double* %".12" to <8 x double>*
  %".39" = load <8 x double>, <8 x double>* %".38", align 8
  %".40" = shufflevector <8 x double> %".39", <8 x double> %".39", <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %".41" = shufflevector <8 x double> %".39", <8 x double> %".39", <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %".42" = fadd <4 x double> %".40", %".41"
  %".43" = shufflevector <4 x double> %".42", <4 x double> %".42", <2 x i32> <i32 0, i32 1>
  %".44" = shufflevector <4 x double> %".42", <4 x double> %".42", <2 x i32> <i32 2, i32 3>
  %".45" = fadd <2 x double> %".43", %".44"
  %".46" = shufflevector <2 x double> %".45", <2 x double> %".45", <1 x i32> <i32 0>
  %".47" = shufflevector <2 x double> %".45", <2 x double> %".45", <1 x i32> <i32 1>
  %".48" = fadd <1 x double> %".46", %".47"
  %".49" = extractelement <1 x double> %".48", i32 0
  br label %"d1.head"
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".34", %"d5001.body"]
  %".23" = icmp slt i64 %"i5001", 8
  br i1 %".23", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".25" = add i64 %".21", %"i5001"
  %".26" = getelementptr double, double* %".12", i64 %"i5001"
  %".27" = load double, double* %".26", !llvm.access.group !2
  %".28" = mul i64 %".25", 48
  %".29" = add i64 %"i0", %".28"
  %".30" = getelementptr inbounds double, ptr %".1", i64 %".29"
  %".31" = load double, ptr %".30", !llvm.access.group !2
  %".32" = fadd double %".27", %".31"
  store double %".32", double* %".26", !llvm.access.group !2
  %".34" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !35
d5001.done:
  %".36" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !36
d1.head:
  %"i1" = phi  i64 [0, %"d4001.done"], [%".75", %"d1.body"]
  %".51" = icmp slt i64 %"i1", 64
  br i1 %".51", label %"d1.body", label %"d1.done"
d1.body:
  %".53" = mul i64 %"i1", 48
  %".54" = add i64 %"i0", %".53"
  %".55" = getelementptr inbounds double, ptr %".4", i64 %".54"
  %".56" = load double, ptr %".55", !llvm.access.group !2
  %".57" = getelementptr inbounds double, ptr %".3", i64 %".54"
  %".58" = load double, ptr %".57", !llvm.access.group !2
  %".59" = getelementptr inbounds double, ptr %".2", i64 %"i0"
  %".60" = load double, ptr %".59", !llvm.access.group !2
  %".61" = fdiv double %".49", %".60"
  %".62" = fmul double %".58", %".61"
  %".63" = fadd double %".56", %".62"
  %".64" = getelementptr inbounds double, ptr %".5", i64 %".54"
  %".65" = load double, ptr %".64", !llvm.access.group !2
  %".66" = fadd double %".63", %".65"
  %".67" = getelementptr inbounds double, ptr %".6", i64 %".54"
  %".68" = load double, ptr %".67", !llvm.access.group !2
  %".69" = fadd double %".66", %".68"
  %".70" = getelementptr inbounds double, ptr %".7", i64 %".54"
  %".71" = load double, ptr %".70", !llvm.access.group !2
  %".72" = fadd double %".69", %".71"
  %".73" = getelementptr inbounds double, ptr %".8", i64 %".54"
  store double %".72", ptr %".73", !llvm.access.group !2
  %".75" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !37
d1.done:
  %".77" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !38
}

define void @"k5_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  %".34" = getelementptr i64, ptr %".2", i64 7
  %".35" = load i64, ptr %".34"
  %".36" = getelementptr ptr, ptr %".1", i64 %".35"
  %".37" = load ptr, ptr %".36"
  call void @"k5_loop.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", ptr %".29", ptr %".33", ptr %".37", i64 %".3", i64 %".4")
  ret void
}

@"llvm.compiler.used" = appending global [10 x ptr] [ptr @"graphc.vecmath.sincos_large.v4f64.call", ptr @"graphc.vecmath.sincos_large.v8f64.call", ptr @"graphc.vecmath.sin.v4f64.call", ptr @"graphc.vecmath.sin.v8f64.call", ptr @"graphc.vecmath.exp.v4f64.call", ptr @"graphc.vecmath.exp.v8f64.call", ptr @"graphc.vecmath.log.v4f64.call", ptr @"graphc.vecmath.log.v8f64.call", ptr @"graphc.vecmath.cos.v4f64.call", ptr @"graphc.vecmath.cos.v8f64.call"], section "llvm.metadata"
!0 = !{ !"llvm.loop.unroll.disable", i32 1 }
!1 = !{ !1, !0 }
!2 = distinct !{}
!3 = !{ !"llvm.loop.vectorize.width", i32 8 }
!4 = !{ !"llvm.loop.parallel_accesses", !2 }
!5 = !{ !5, !3, !0, !4 }
!6 = !{ !6, !0 }
!7 = !{ !7, !0 }
!8 = !{ !8, !3, !0, !4 }
!9 = !{ !9, !0 }
!10 = !{ !10, !0 }
!11 = !{ !"branch_weights", i32 1, i32 1048576 }
!12 = !{ !"llvm.loop.unroll.disable" }
!13 = !{ !13, !12 }
!14 = !{ !"branch_weights", i32 1, i32 99 }
!15 = !{ !15, !12 }
!16 = !{ !16, !12 }
!17 = !{ !17, !12 }
!18 = !{ !18, !0 }
!19 = !{ !19, !3, !0, !4 }
!20 = !{ !20, !0 }
!21 = !{ !21, !12 }
!22 = !{ !22, !12 }
!23 = !{ !23, !3, !0, !4 }
!24 = !{ !24, !0 }
!25 = !{ !25, !4, !0 }
!26 = !{ !26, !0 }
!27 = !{ !27, !3, !0, !4 }
!28 = !{ !28, !0 }
!29 = !{ !29, !0 }
!30 = !{ !30, !3, !0, !4 }
!31 = !{ !31, !0 }
!32 = !{ !32, !0 }
!33 = !{ !33, !4, !0 }
!34 = !{ !34, !0 }
!35 = !{ !35, !3, !0, !4 }
!36 = !{ !36, !0 }
!37 = !{ !37, !4, !0 }
!38 = !{ !38, !0 }