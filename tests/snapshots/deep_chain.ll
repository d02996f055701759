; ModuleID = "graphc.part0"
target triple = "unknown-unknown-unknown"
target datalayout = ""

define internal void @"k0_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", i64 %".5", i64 %".6") noinline nounwind
{
entry:
  %".8" = alloca i8
  store i8 78, i8* %".8"
  %".10" = alloca i8
  store i8 78, i8* %".10"
  %".12" = alloca i64
  store i64 64, i64* %".12"
  %".14" = alloca i64
  store i64 32, i64* %".14"
  %".16" = alloca i64
  store i64 64, i64* %".16"
  %".18" = alloca float
  store float 0x3ff0000000000000, float* %".18"
  %".20" = alloca i64
  store i64 64, i64* %".20"
  %".22" = alloca i64
  store i64 64, i64* %".22"
  %".24" = alloca float
  store float              0x0, float* %".24"
  %".26" = alloca i64
  store i64 64, i64* %".26"
  %".28" = getelementptr float, ptr %".1", i64 0
  %".29" = getelementptr float, ptr %".2", i64 0
  %".30" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".8", i8* %".10", i64* %".12", i64* %".14", i64* %".16", float* %".18", ptr %".29", i64* %".20", ptr %".28", i64* %".22", float* %".24", ptr %".30", i64* %".26")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".5", %"entry"], [%".47", %"d1.done"]
  %".33" = icmp slt i64 %"i0", %".6"
  br i1 %".33", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".45", %"d1.body"]
  %".36" = icmp slt i64 %"i1", 64
  br i1 %".36", label %"d1.body", label %"d1.done"
d1.body:
  %".38" = mul i64 %"i0", 64
  %".39" = add i64 %".38", %"i1"
  %".40" = getelementptr inbounds float, ptr %".3", i64 %".39"
  %".41" = load float, ptr %".40", !llvm.access.group !0
  %".42" = call float @"graphc.vecmath.tanh.f32.call"(float %".41")
  %".43" = getelementptr inbounds float, ptr %".4", i64 %".39"
  store float %".42", ptr %".43", !llvm.access.group !0
  %".45" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !3
d1.done:
  %".47" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !4
}

declare void @"graphc_sgemm"(ptr %".1", ptr %".2", ptr %".3", ptr %".4", ptr %".5", ptr %".6", ptr %".7", ptr %".8", ptr %".9", ptr %".10", ptr %".11", ptr %".12", ptr %".13")

define internal float @"graphc.vecmath.tanh.f32.call"(float %".1") "vector-function-abi-variant"="_ZGV_LLVM_N8v_graphc.vecmath.tanh.f32.call(graphc.vecmath.tanh.v8f32.call)" noinline nounwind readnone
{
entry:
  %".3" = bitcast float %".1" to i32
  %".4" = and i32 %".3", 2147483647
  %".5" = bitcast i32 %".4" to float
  %".6" = fmul float %".5", %".5"
  %".7" = fmul float %".5", %".6"
  %".8" = call float @"llvm.fmuladd.f32"(float 0xbf7992b140000000, float %".6", float 0x3f95907440000000)
  %".9" = call float @"llvm.fmuladd.f32"(float %".8", float %".6", float 0xbfab928860000000)
  %".10" = call float @"llvm.fmuladd.f32"(float %".9", float %".6", float 0x3fc110d620000000)
  %".11" = call float @"llvm.fmuladd.f32"(float %".10", float %".6", float 0xbfd55554e0000000)
  %".12" = call float @"llvm.fmuladd.f32"(float %".7", float %".11", float %".5")
  %".13" = fneg float %".5"
  %".14" = fsub float %".13", %".5"
  %".15" = fcmp olt float %".14", 0xc03419ecc0000000
  %".16" = select  i1 %".15", float 0xc03419ecc0000000, float %".14"
  %".17" = call float @"llvm.fmuladd.f32"(float %".16", float 0x3ff7154760000000, float 0x4168000000000000)
  %".18" = fsub float %".17", 0x4168000000000000
  %".19" = bitcast float %".17" to i32
  %".20" = sub i32 %".19", 1262485504
  %".21" = call float @"llvm.fmuladd.f32"(float %".18", float 0xbfe62e4000000000, float %".16")
  %".22" = call float @"llvm.fmuladd.f32"(float %".18", float 0xbeb7f7d1c0000000, float %".21")
  %".23" = add i32 %".20", 127
  %".24" = shl i32 %".23", 23
  %".25" = bitcast i32 %".24" to float
  %".26" = fmul float %".22", %".22"
  %".27" = call float @"llvm.fmuladd.f32"(float 0x3f56bec000000000, float %".22", float 0x3f812279c0000000)
  %".28" = call float @"llvm.fmuladd.f32"(float %".27", float %".22", float 0x3fa5556740000000)
  %".29" = call float @"llvm.fmuladd.f32"(float %".28", float %".22", float 0x3fc5554b00000000)
  %".30" = call float @"llvm.fmuladd.f32"(float %".29", float %".22", float 0x3fdfffffe0000000)
  %".31" = call float @"llvm.fmuladd.f32"(float %".26", float %".30", float %".22")
  %".32" = call float @"llvm.fmuladd.f32"(float %".25", float %".31", float %".25")
  %".33" = fadd float %".32", %".32"
  %".34" = fadd float %".32", 0x3ff0000000000000
  %".35" = fdiv float %".33", %".34"
  %".36" = fsub float 0x3ff0000000000000, %".35"
  %".37" = fcmp olt float %".5", 0x3fe194af40000000
  %".38" = select  i1 %".37", float %".12", float %".36"
  %".39" = bitcast float %".1" to i32
  %".40" = and i32 %".39", -2147483648
  %".41" = bitcast float %".38" to i32
  %".42" = or i32 %".41", %".40"
  %".43" = bitcast i32 %".42" to float
  ret float %".43"
}

declare float @"llvm.fmuladd.f32"(float %".1", float %".2", float %".3")

define internal <8 x float> @"graphc.vecmath.tanh.v8f32.call"(<8 x float> %".1") noinline nounwind readnone
{
entry:
  %".3" = bitcast <8 x float> %".1" to <8 x i32>
  %".4" = and <8 x i32> %".3", <i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647>
  %".5" = bitcast <8 x i32> %".4" to <8 x float>
  %".6" = fmul <8 x float> %".5", %".5"
  %".7" = fmul <8 x float> %".5", %".6"
  %".8" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> <float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000, float 0xbf7992b140000000>, <8 x float> %".6", <8 x float> <float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000, float 0x3f95907440000000>)
  %".9" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".8", <8 x float> %".6", <8 x float> <float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000, float 0xbfab928860000000>)
  %".10" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".9", <8 x float> %".6", <8 x float> <float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000, float 0x3fc110d620000000>)
  %".11" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".10", <8 x float> %".6", <8 x float> <float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000, float 0xbfd55554e0000000>)
  %".12" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".7", <8 x float> %".11", <8 x float> %".5")
  %".13" = fneg <8 x float> %".5"
  %".14" = fsub <8 x float> %".13", %".5"
  %".15" = fcmp olt <8 x float> %".14", <float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000>
  %".16" = select  <8 x i1> %".15", <8 x float> <float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000, float 0xc03419ecc0000000>, <8 x float> %".14"
  %".17" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".16", <8 x float> <float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000, float 0x3ff7154760000000>, <8 x float> <float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000>)
  %".18" = fsub <8 x float> %".17", <float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000, float 0x4168000000000000>
  %".19" = bitcast <8 x float> %".17" to <8 x i32>
  %".20" = sub <8 x i32> %".19", <i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504, i32 1262485504>
  %".21" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".18", <8 x float> <float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000, float 0xbfe62e4000000000>, <8 x float> %".16")
  %".22" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".18", <8 x float> <float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000, float 0xbeb7f7d1c0000000>, <8 x float> %".21")
  %".23" = add <8 x i32> %".20", <i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127, i32 127>
  %".24" = shl <8 x i32> %".23", <i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23, i32 23>
  %".25" = bitcast <8 x i32> %".24" to <8 x float>
  %".26" = fmul <8 x float> %".22", %".22"
  %".27" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> <float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000, float 0x3f56bec000000000>, <8 x float> %".22", <8 x float> <float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000, float 0x3f812279c0000000>)
  %".28" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".27", <8 x float> %".22", <8 x float> <float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000, float 0x3fa5556740000000>)
  %".29" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".28", <8 x float> %".22", <8 x float> <float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000, float 0x3fc5554b00000000>)
  %".30" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".29", <8 x float> %".22", <8 x float> <float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000, float 0x3fdfffffe0000000>)
  %".31" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".26", <8 x float> %".30", <8 x float> %".22")
  %".32" = call <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".25", <8 x float> %".31", <8 x float> %".25")
  %".33" = fadd <8 x float> %".32", %".32"
  %".34" = fadd <8 x float> %".32", <float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000>
  %".35" = fdiv <8 x float> %".33", %".34"
  %".36" = fsub <8 x float> <float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000, float 0x3ff0000000000000>, %".35"
  %".37" = fcmp olt <8 x float> %".5", <float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000, float 0x3fe194af40000000>
  %".38" = select  <8 x i1> %".37", <8 x float> %".12", <8 x float> %".36"
  %".39" = bitcast <8 x float> %".1" to <8 x i32>
  %".40" = and <8 x i32> %".39", <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
  %".41" = bitcast <8 x float> %".38" to <8 x i32>
  %".42" = or <8 x i32> %".41", %".40"
  %".43" = bitcast <8 x i32> %".42" to <8 x float>
  ret <8 x float> %".43"
}

declare <8 x float> @"llvm.fmuladd.v8f32"(<8 x float> %".1", <8 x float> %".2", <8 x float> %".3")

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
  call void @"k0_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k15_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", i64 %".6", i64 %".7") noinline nounwind
{
entry:
  %".9" = alloca i8
  store i8 78, i8* %".9"
  %".11" = alloca i8
  store i8 78, i8* %".11"
  %".13" = alloca i64
  store i64 64, i64* %".13"
  %".15" = alloca i64
  store i64 32, i64* %".15"
  %".17" = alloca i64
  store i64 64, i64* %".17"
  %".19" = alloca float
  store float 0x3ff0000000000000, float* %".19"
  %".21" = alloca i64
  store i64 64, i64* %".21"
  %".23" = alloca i64
  store i64 64, i64* %".23"
  %".25" = alloca float
  store float              0x0, float* %".25"
  %".27" = alloca i64
  store i64 64, i64* %".27"
  %".29" = getelementptr float, ptr %".1", i64 0
  %".30" = getelementptr float, ptr %".2", i64 0
  %".31" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".9", i8* %".11", i64* %".13", i64* %".15", i64* %".17", float* %".19", ptr %".30", i64* %".21", ptr %".29", i64* %".23", float* %".25", ptr %".31", i64* %".27")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".6", %"entry"], [%".54", %"d1.done"]
  %".34" = icmp slt i64 %"i0", %".7"
  br i1 %".34", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".52", %"d1.body"]
  %".37" = icmp slt i64 %"i1", 64
  br i1 %".37", label %"d1.body", label %"d1.done"
d1.body:
  %".39" = mul i64 %"i0", 64
  %".40" = add i64 %".39", %"i1"
  %".41" = getelementptr inbounds float, ptr %".3", i64 %".40"
  %".42" = load float, ptr %".41", !llvm.access.group !0
  %".43" = call float @"graphc.vecmath.tanh.f32.call"(float %".42")
  %".44" = fmul float %".43", %".43"
  %".45" = getelementptr inbounds float, ptr %".4", i64 %".40"
  store float %".44", ptr %".45", !llvm.access.group !0
  %".47" = fadd float %".43", %".43"
  %".48" = fsub float 0x3ff0000000000000, %".44"
  %".49" = fmul float %".47", %".48"
  %".50" = getelementptr inbounds float, ptr %".5", i64 %".40"
  store float %".49", ptr %".50", !llvm.access.group !0
  %".52" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !5
d1.done:
  %".54" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !6
}

define void @"k15_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k15_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k16_loop.body"(ptr noalias %".1", ptr noalias %".2", i64 %".3", i64 %".4") noinline nounwind
{
entry:
  %".6" = alloca double, i32 8
  %".7" = bitcast double* %".6" to <8 x double>*
  store <8 x double> <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>, <8 x double>* %".7", align 8
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [0, %"entry"], [%".33", %"d4001.done"]
  %".10" = icmp slt i64 %"i0", 32
  br i1 %".10", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d4001.head"
d0.done:
  %".35" = bitcast double* %".6" to <8 x double>*
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
  %".47" = fptrunc double %".46" to float
  %".48" = getelementptr inbounds float, ptr %".2", i64 0
  store float %".47", ptr %".48"
  ret void
d4001.head:
  %"i4001" = phi  i64 [0, %"d0.body"], [%".31", %"d5001.done"]
  %".13" = icmp slt i64 %"i4001", 8
  br i1 %".13", label %"d4001.body", label %"d4001.done"
d4001.body:
  %".15" = mul i64 %"i4001", 8
  br label %"d5001.head"
d4001.done:
  %".33" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !10
d5001.head:
  %"i5001" = phi  i64 [0, %"d4001.body"], [%".29", %"d5001.body"]
  %".17" = icmp slt i64 %"i5001", 8
  br i1 %".17", label %"d5001.body", label %"d5001.done"
d5001.body:
  %".19" = add i64 %".15", %"i5001"
  %".20" = getelementptr double, double* %".6", i64 %"i5001"
  %".21" = load double, double* %".20", !llvm.access.group !0
  %".22" = mul i64 %"i0", 64
  %".23" = add i64 %".22", %".19"
  %".24" = getelementptr inbounds float, ptr %".1", i64 %".23"
  %".25" = load float, ptr %".24", !llvm.access.group !0
  %".26" = fpext float %".25" to double
  %".27" = fadd double %".21", %".26"
  store double %".27", double* %".20", !llvm.access.group !0
  %".29" = add nsw nuw i64 %"i5001", 1
  br label %"d5001.head", !llvm.loop !8
d5001.done:
  %".31" = add nsw nuw i64 %"i4001", 1
  br label %"d4001.head", !llvm.loop !9
}

define void @"k16_loop"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k16_loop.body"(ptr %".9", ptr %".13", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k17_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = alloca i8
  store i8 78, i8* %".7"
  %".9" = alloca i8
  store i8 84, i8* %".9"
  %".11" = alloca i64
  store i64 64, i64* %".11"
  %".13" = alloca i64
  store i64 64, i64* %".13"
  %".15" = alloca i64
  store i64 32, i64* %".15"
  %".17" = alloca float
  store float 0x3ff0000000000000, float* %".17"
  %".19" = alloca i64
  store i64 64, i64* %".19"
  %".21" = alloca i64
  store i64 64, i64* %".21"
  %".23" = alloca float
  store float              0x0, float* %".23"
  %".25" = alloca i64
  store i64 64, i64* %".25"
  %".27" = getelementptr float, ptr %".1", i64 0
  %".28" = getelementptr float, ptr %".2", i64 0
  %".29" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".7", i8* %".9", i64* %".11", i64* %".13", i64* %".15", float* %".17", ptr %".28", i64* %".19", ptr %".27", i64* %".21", float* %".23", ptr %".29", i64* %".25")
  ret void
}

define void @"k17_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k17_matmul.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k18_matmul.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", ptr noalias %".4", ptr noalias %".5", i64 %".6", i64 %".7") noinline nounwind
{
entry:
  %".9" = alloca i8
  store i8 84, i8* %".9"
  %".11" = alloca i8
  store i8 78, i8* %".11"
  %".13" = alloca i64
  store i64 64, i64* %".13"
  %".15" = alloca i64
  store i64 32, i64* %".15"
  %".17" = alloca i64
  store i64 64, i64* %".17"
  %".19" = alloca float
  store float 0x3ff0000000000000, float* %".19"
  %".21" = alloca i64
  store i64 64, i64* %".21"
  %".23" = alloca i64
  store i64 64, i64* %".23"
  %".25" = alloca float
  store float              0x0, float* %".25"
  %".27" = alloca i64
  store i64 64, i64* %".27"
  %".29" = getelementptr float, ptr %".1", i64 0
  %".30" = getelementptr float, ptr %".2", i64 0
  %".31" = getelementptr float, ptr %".3", i64 0
  call void @"graphc_sgemm"(i8* %".9", i8* %".11", i64* %".13", i64* %".15", i64* %".17", float* %".19", ptr %".30", i64* %".21", ptr %".29", i64* %".23", float* %".25", ptr %".31", i64* %".27")
  br label %"d0.head"
d0.head:
  %"i0" = phi  i64 [%".6", %"entry"], [%".52", %"d1.done"]
  %".34" = icmp slt i64 %"i0", %".7"
  br i1 %".34", label %"d0.body", label %"d0.done"
d0.body:
  br label %"d1.head"
d0.done:
  ret void
d1.head:
  %"i1" = phi  i64 [0, %"d0.body"], [%".50", %"d1.body"]
  %".37" = icmp slt i64 %"i1", 64
  br i1 %".37", label %"d1.body", label %"d1.done"
d1.body:
  %".39" = mul i64 %"i0", 64
  %".40" = add i64 %".39", %"i1"
  %".41" = getelementptr inbounds float, ptr %".3", i64 %".40"
  %".42" = load float, ptr %".41", !llvm.access.group !0
  %".43" = getelementptr inbounds float, ptr %".4", i64 %".40"
  %".44" = load float, ptr %".43", !llvm.access.group !0
  %".45" = fmul float %".44", %".44"
  %".46" = fsub float 0x3ff0000000000000, %".45"
  %".47" = fmul float %".42", %".46"
  %".48" = getelementptr inbounds float, ptr %".5", i64 %".40"
  store float %".47", ptr %".48", !llvm.access.group !0
  %".50" = add nsw nuw i64 %"i1", 1
  br label %"d1.head", !llvm.loop !11
d1.done:
  %".52" = add nsw nuw i64 %"i0", 1
  br label %"d0.head", !llvm.loop !12
}

define void @"k18_matmul"(ptr %".1", ptr %".2", i64 %".3", i64 %".4") noinline optnone
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
  call void @"k18_matmul.body"(ptr %".9", ptr %".13", ptr %".17", ptr %".21", ptr %".25", i64 %".3", i64 %".4")
  ret void
}

@"llvm.compiler.used" = appending global [1 x ptr] [ptr @"graphc.vecmath.tanh.v8f32.call"], section "llvm.metadata"
!0 = distinct !{}
!1 = !{ !"llvm.loop.parallel_accesses", !0 }
!2 = !{ !"llvm.loop.unroll.disable", i32 1 }
!3 = !{ !3, !1, !2 }
!4 = !{ !4, !2 }
!5 = !{ !5, !1, !2 }
!6 = !{ !6, !2 }
!7 = !{ !"llvm.loop.vectorize.width", i32 8 }
!8 = !{ !8, !7, !2, !1 }
!9 = !{ !9, !2 }
!10 = !{ !10, !2 }
!11 = !{ !11, !1, !2 }
!12 = !{ !12, !2 }