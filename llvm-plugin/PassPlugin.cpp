//===- PassPlugin.cpp - the MELF passes for opt ---------------------------===//
//
//   opt -load-pass-plugin=MELFPass.so -passes=melf -melf-variants=x86-64-v3
//
// The options mirror the Clang plugin's -fplugin-arg-melf-* arguments.
//
//===----------------------------------------------------------------------===//

#include "MultivariantPass.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"

using namespace llvm;

static cl::opt<std::string>
    Variants("melf-variants",
             cl::desc("Variants of a bare 'variant' mark and the function "
                      "list (comma separated)"));
static cl::opt<std::string>
    Functions("melf-functions",
              cl::desc("Functions (names or globs) to make multivariant"));
static cl::opt<std::string> VariantsFile("melf-variants-file",
                                         cl::desc("Variants file to read"));
static cl::list<std::string>
    Defines("melf-define", cl::desc("Define a variant: NAME:key=value:..."));

static std::shared_ptr<const melf::VariantConfig> buildConfig() {
  auto C = std::make_shared<melf::VariantConfig>();
  auto Check = [](Error E, const char *Opt) {
    if (E)
      report_fatal_error(Twine("MELF: ") + Opt + ": " + toString(std::move(E)),
                         /*gen_crash_diag=*/false);
  };
  if (!VariantsFile.empty())
    Check(C->loadFile(VariantsFile), "-melf-variants-file");
  for (const std::string &D : Defines)
    Check(C->define(D), "-melf-define");
  if (!Variants.empty())
    Check(C->setConfigured(Variants), "-melf-variants");
  if (!Functions.empty())
    Check(C->addFunctions(Functions), "-melf-functions");
  return C;
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "MELF", "1", [](PassBuilder &PB) {
            melf::registerMELFPasses(PB, buildConfig,
                                     /*AtPipelineStart=*/false,
                                     /*AddAsan=*/false);
          }};
}
