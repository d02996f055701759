; ModuleID = "graphc.part0"
target triple = "unknown-unknown-unknown"
target datalayout = ""

define internal void @"k0_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = getelementptr inbounds double, ptr %".1", i64 0
  %".8" = load double, ptr %".7"
  %".9" = call double @"graphc.vecmath.log.f64.call"(double %".8")
  %".10" = getelementptr inbounds double, ptr %".2", i64 0
  %".11" = load double, ptr %".10"
  %".12" = fmul double %".8", %".11"
  %".13" = fadd double %".9", %".12"
  %".14" = call double @"graphc.vecmath.sin.f64.call"(double %".11")
  %".15" = fsub double %".13", %".14"
  %".16" = getelementptr inbounds double, ptr %".3", i64 0
  store double %".15", ptr %".16"
  ret void
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

declare double @"llvm.fmuladd.f64"(double %".1", double %".2", double %".3")

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

declare <4 x double> @"llvm.fmuladd.v4f64"(<4 x double> %".1", <4 x double> %".2", <4 x double> %".3")

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

declare <8 x double> @"llvm.fmuladd.v8f64"(<8 x double> %".1", <8 x double> %".2", <8 x double> %".3")

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
  br i1 %".67", label %"sincos.large", label %"sincos.done", !prof !0
sincos.large:
  %".69" = call double @"graphc.vecmath.sincos_large.f64.call"(double %".1", i32 0)
  br label %"sincos.done"
sincos.done:
  %".71" = phi  double [%".63", %"entry"], [%".69", %"sincos.large"]
  %".72" = fcmp oeq double %".1",              0x0
  %".73" = select  i1 %".72", double %".1", double %".71"
  ret double %".73"
}

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
  br i1 %".6", label %"entry.if", label %"entry.endif", !prof !3
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
  br i1 %".6", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".18", label %"lanes.loop", label %"lanes.done", !llvm.loop !2
lanes.done:
  %".20" = phi  <4 x double> [%".1", %"entry"], [%".16", %"lanes.next"]
  ret <4 x double> %".20"
}

define internal preserve_allcc <8 x double> @"graphc.vecmath.sincos_large.v8f64.call"(<8 x double> %".1", i32 %".2", <8 x i1> %".3") noinline nounwind readnone
{
entry:
  %".5" = bitcast <8 x i1> %".3" to i8
  %".6" = icmp ne i8 %".5", 0
  br i1 %".6", label %"entry.if", label %"entry.endif", !prof !3
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
  br i1 %".6", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".18", label %"lanes.loop", label %"lanes.done", !llvm.loop !4
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
  br i1 %".69", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".81", label %"lanes.loop", label %"lanes.done", !llvm.loop !5
lanes.done:
  %".83" = phi  <4 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".84" = fcmp oeq <4 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0>
  %".85" = select  <4 x i1> %".84", <4 x double> %".1", <4 x double> %".83"
  ret <4 x double> %".85"
}

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
  br i1 %".69", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".81", label %"lanes.loop", label %"lanes.done", !llvm.loop !6
lanes.done:
  %".83" = phi  <8 x double> [%".63", %"entry"], [%".79", %"lanes.next"]
  %".84" = fcmp oeq <8 x double> %".1", <double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0, double              0x0>
  %".85" = select  <8 x i1> %".84", <8 x double> %".1", <8 x double> %".83"
  ret <8 x double> %".85"
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
  call void @"k0_loop.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k1_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = getelementptr inbounds double, ptr %".2", i64 0
  %".8" = load double, ptr %".7"
  %".9" = fcmp oeq double 0x3ff0000000000000,              0x0
  %".10" = getelementptr inbounds double, ptr %".1", i64 0
  %".11" = load double, ptr %".10"
  %".12" = fdiv double 0x3ff0000000000000, %".11"
  %".13" = fmul double 0x3ff0000000000000, %".12"
  %".14" = select  i1 %".9", double              0x0, double %".13"
  %".15" = fadd double %".8", %".14"
  %".16" = getelementptr inbounds double, ptr %".3", i64 0
  store double %".15", ptr %".16"
  ret void
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
  %".14" = getelementptr i64, ptr %".2", i64 2
  %".15" = load i64, ptr %".14"
  %".16" = getelementptr ptr, ptr %".1", i64 %".15"
  %".17" = load ptr, ptr %".16"
  call void @"k1_loop.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

define internal void @"k2_loop.body"(ptr noalias %".1", ptr noalias %".2", ptr noalias %".3", i64 %".4", i64 %".5") noinline nounwind
{
entry:
  %".7" = getelementptr inbounds double, ptr %".1", i64 0
  %".8" = load double, ptr %".7"
  %".9" = call double @"graphc.vecmath.cos.f64.call"(double %".8")
  %".10" = fmul double 0xbff0000000000000, %".9"
  %".11" = getelementptr inbounds double, ptr %".2", i64 0
  %".12" = load double, ptr %".11"
  %".13" = fadd double %".10", %".12"
  %".14" = getelementptr inbounds double, ptr %".3", i64 0
  store double %".13", ptr %".14"
  ret void
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
  br i1 %".68", label %"sincos.large", label %"sincos.done", !prof !0
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
  br i1 %".70", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".82", label %"lanes.loop", label %"lanes.done", !llvm.loop !7
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
  br i1 %".70", label %"lanes.loop", label %"lanes.done", !prof !0
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
  br i1 %".82", label %"lanes.loop", label %"lanes.done", !llvm.loop !8
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
  call void @"k2_loop.body"(ptr %".9", ptr %".13", ptr %".17", i64 %".3", i64 %".4")
  ret void
}

@"llvm.compiler.used" = appending global [8 x ptr] [ptr @"graphc.vecmath.log.v4f64.call", ptr @"graphc.vecmath.log.v8f64.call", ptr @"graphc.vecmath.sincos_large.v4f64.call", ptr @"graphc.vecmath.sincos_large.v8f64.call", ptr @"graphc.vecmath.sin.v4f64.call", ptr @"graphc.vecmath.sin.v8f64.call", ptr @"graphc.vecmath.cos.v4f64.call", ptr @"graphc.vecmath.cos.v8f64.call"], section "llvm.metadata"
!0 = !{ !"branch_weights", i32 1, i32 1048576 }
!1 = !{ !"llvm.loop.unroll.disable" }
!2 = !{ !2, !1 }
!3 = !{ !"branch_weights", i32 1, i32 99 }
!4 = !{ !4, !1 }
!5 = !{ !5, !1 }
!6 = !{ !6, !1 }
!7 = !{ !7, !1 }
!8 = !{ !8, !1 }