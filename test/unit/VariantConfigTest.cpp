// Unit tests of the variant configuration: built-ins, the plugin-argument
// and variants-file grammars, feature bits, function-list matching.
#include "VariantConfig.h"
#include "melf/abi.h"
#include "gtest/gtest.h"

using namespace melf;

static std::string errorOf(llvm::Error E) {
  return E ? llvm::toString(std::move(E)) : std::string();
}

TEST(VariantConfig, BuiltinsExist) {
  VariantConfig C;
  for (const char *N : {"x86-64-v2", "x86-64-v3", "x86-64-v4", "asan", "debug", "size"})
    EXPECT_NE(C.find(N), nullptr) << N;
  EXPECT_EQ(C.find("default"), nullptr);
  EXPECT_EQ(C.find("x86-64-v3")->ISA, MELF_X86_64_V3_MASK);
  EXPECT_EQ(C.find("asan")->flags(), MELF_VF_ASAN);
  EXPECT_EQ(C.find("debug")->flags(), MELF_VF_OPTNONE);
}

TEST(VariantConfig, LevelMasksMatchLLVM) {
  // Our psABI masks must agree with LLVM's CPU tables.
  for (auto [CPU, Mask] : {std::pair{"x86-64-v2", MELF_X86_64_V2_MASK},
                           std::pair{"x86-64-v3", MELF_X86_64_V3_MASK},
                           std::pair{"x86-64-v4", MELF_X86_64_V4_MASK}}) {
    auto Bits = VariantConfig::x86FeatureBits(CPU, {});
    ASSERT_TRUE(!!Bits);
    EXPECT_EQ(*Bits, Mask) << CPU << ": "
                           << VariantConfig::featureNames(MELF_ARCH_X86_64, *Bits);
  }
}

TEST(VariantConfig, Arguments) {
  VariantConfig C;
  EXPECT_EQ(errorOf(C.parseArgument("variants=x86-64-v3, debug,debug")), "");
  EXPECT_EQ(C.configured(), (std::vector<std::string>{"x86-64-v3", "debug"}));
  EXPECT_EQ(errorOf(C.parseArgument("variants=nope")), "unknown variant 'nope'");
  EXPECT_EQ(errorOf(C.parseArgument("variants=default")),
            "'default' always exists and cannot be listed as a variant");
  EXPECT_NE(errorOf(C.parseArgument("bogus=1")), "");
  EXPECT_EQ(errorOf(C.parseArgument("define=fast:cpu=haswell:opt=s")), "");
  ASSERT_NE(C.find("fast"), nullptr);
  EXPECT_TRUE(C.find("fast")->ISA & MELF_BIT(MELF_X86_AVX2));
  EXPECT_EQ(C.find("fast")->flags(), MELF_VF_SIZE);
  EXPECT_EQ(errorOf(C.parseArgument("define=fast:opt=0")),
            "variant 'fast' is already defined");
  EXPECT_EQ(errorOf(C.parseArgument("define=x:cpu=pentium9")),
            "unknown x86-64 CPU 'pentium9'");
  EXPECT_EQ(errorOf(C.parseArgument("define=9lives")),
            "variant name '9lives' must start with a letter");
  EXPECT_EQ(errorOf(C.parseArgument("define=u:sanitize=undefined")).find(
                "sanitizer 'undefined' cannot differ per function"),
            0u);
}

TEST(VariantConfig, Features) {
  VariantConfig C;
  EXPECT_EQ(errorOf(C.define("vec:features=+avx2")), "");
  uint64_t B = C.find("vec")->ISA;
  EXPECT_TRUE(B & MELF_BIT(MELF_X86_AVX2));
  EXPECT_TRUE(B & MELF_BIT(MELF_X86_AVX)); // implied
  EXPECT_EQ(errorOf(C.define("bad:features=avx2")),
            "feature 'avx2' must start with '+' or '-'");
}

TEST(VariantConfig, File) {
  VariantConfig C;
  EXPECT_EQ(errorOf(C.parseFile("# comment\n"
                                "variant fast cpu=haswell  # trailing\n"
                                "variant tiny opt=z\n"
                                "variants fast tiny asan\n"
                                "functions hot_* parse\n",
                                "v.txt")),
            "");
  EXPECT_EQ(C.configured(), (std::vector<std::string>{"fast", "tiny", "asan"}));
  EXPECT_TRUE(C.matchesFunctionList("hot_loop"));
  EXPECT_TRUE(C.matchesFunctionList("parse"));
  EXPECT_FALSE(C.matchesFunctionList("parser"));
  EXPECT_EQ(errorOf(C.parseFile("\nvariant z opt=3\n", "w.txt")),
            "w.txt:2: opt must be one of inherit, 0, none, s, z; got '3'");
  EXPECT_EQ(errorOf(C.parseFile("variant\ttabbed\topt=s\r\n", "t.txt")), "");
  EXPECT_NE(C.find("tabbed"), nullptr);
  EXPECT_EQ(errorOf(C.parseFile("frobnicate\n", "w.txt")),
            "w.txt:1: unknown directive 'frobnicate' (expected variant, "
            "variants, functions)");
  EXPECT_EQ(errorOf(C.parseFile("variants later\nvariant later\n", "o.txt")),
            "o.txt:1: unknown variant 'later'");
}

TEST(VariantConfig, DemangledMatch) {
  VariantConfig C;
  ASSERT_EQ(errorOf(C.addFunctions("ns::hot*")), "");
  EXPECT_TRUE(C.matchesFunctionList("_ZN2ns7hotloopEi"));
  EXPECT_FALSE(C.matchesFunctionList("_ZN2ns4coldEi"));
}

// Signatures keep their commas (and, in variants files, their spaces); every
// entry that matches is reported.
TEST(VariantConfig, SignaturesAndHits) {
  VariantConfig C;
  ASSERT_EQ(errorOf(C.addFunctions("ns::f(int, char),g\\,h,*sum<*")), "");
  EXPECT_EQ(C.functionGlobs(),
            (std::vector<std::string>{"ns::f(int, char)", "g,h", "*sum<*"}));
  EXPECT_TRUE(C.matchesFunctionList("_ZN2ns1fEic"));  // ns::f(int, char)
  EXPECT_FALSE(C.matchesFunctionList("_ZN2ns1fEii")); // ns::f(int, int)
  VariantConfig D;
  ASSERT_EQ(errorOf(D.addFunctions("*sum<*,other")), "");
  EXPECT_EQ(D.functionGlobs(), (std::vector<std::string>{"*sum<*", "other"}));
  VariantConfig F;
  ASSERT_EQ(errorOf(F.parseFile("functions ns::f(int, char) hot_*\n", "f.txt")),
            "");
  EXPECT_EQ(F.functionGlobs(),
            (std::vector<std::string>{"ns::f(int, char)", "hot_*"}));
  EXPECT_EQ(F.matchingFunctionGlobs("hot_loop"),
            (llvm::SmallVector<unsigned, 4>{1}));
}

// melf-annotate: one glob taken whole (a demangled name with a comma), and
// which globs of the list a name matches.
TEST(VariantConfig, MatchingGlobs) {
  VariantConfig C;
  ASSERT_EQ(errorOf(C.addFunctions("ns::hot*,cold")), "");
  ASSERT_EQ(errorOf(C.addFunctionGlob("ns::add(int, int)")), "");
  EXPECT_EQ(C.functionGlobs().size(), 3u);
  using V = llvm::SmallVector<unsigned, 4>;
  EXPECT_EQ(C.matchingFunctionGlobs("_ZN2ns7hotloopEi"), V{0});
  EXPECT_EQ(C.matchingFunctionGlobs("cold"), V{1});
  EXPECT_EQ(C.matchingFunctionGlobs("_ZN2ns3addEii"), V{2});
  EXPECT_EQ(C.matchingFunctionGlobs("_ZN2ns3addEll"), V{});
  ASSERT_EQ(errorOf(C.addFunctionGlob("ns::*")), "");
  EXPECT_EQ(C.matchingFunctionGlobs("_ZN2ns3addEii"), (V{2, 3}));
  EXPECT_EQ(errorOf(C.addFunctionGlob("[")),
            "bad function glob '[': invalid glob pattern, unmatched '['");
}

TEST(VariantConfig, Names) {
  EXPECT_EQ(checkVariantName("ok-name_1"), "");
  EXPECT_NE(checkVariantName(""), "");
  EXPECT_NE(checkVariantName("has.dot"), "");
  EXPECT_NE(checkVariantName(std::string(MELF_NAME_MAX, 'a')), "");
}

// The AArch64 built-ins carry exactly abi.h's architecture masks, computed
// by LLVM's AArch64 target parser.
TEST(VariantConfig, AArch64MasksMatchLLVM) {
  melf::VariantConfig C(MELF_ARCH_AARCH64);
  EXPECT_EQ(C.find("armv8-2-a")->ISA, uint64_t(MELF_AARCH64_V8_2_MASK));
  EXPECT_EQ(C.find("armv8-4-a")->ISA, uint64_t(MELF_AARCH64_V8_4_MASK));
  EXPECT_EQ(C.find("armv9-a")->ISA, uint64_t(MELF_AARCH64_V9_MASK));
  EXPECT_EQ(C.find("sve2")->Arch, MELF_ARCH_AARCH64);
  // Dependencies: sve2 needs sve and fp16.
  auto Bits = melf::VariantConfig::aarch64FeatureBits("", {"+sve2"}, true);
  ASSERT_TRUE(bool(Bits));
  EXPECT_TRUE(*Bits & MELF_BIT(MELF_AARCH64_SVE));
  EXPECT_TRUE(*Bits & MELF_BIT(MELF_AARCH64_FULLFP16));
  auto Bad = melf::VariantConfig::aarch64FeatureBits("", {"+nosuch"}, true);
  EXPECT_FALSE(bool(Bad));
  llvm::consumeError(Bad.takeError());
}
