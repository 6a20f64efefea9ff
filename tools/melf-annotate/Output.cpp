//===- Output.cpp - melf-annotate's edits, diffs and variants files -------===//

#include "Output.h"
#include "FunctionList.h"

#include "clang/Tooling/Core/Replacement.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace melf {

std::string displayPath(StringRef Path) {
  SmallString<256> CWD;
  if (sys::fs::current_path(CWD))
    return Path.str();
  StringRef Rel = Path;
  if (Rel.consume_front(CWD) && !Rel.empty() &&
      sys::path::is_separator(Rel.front()))
    return Rel.drop_front().str();
  return Path.str();
}

std::map<std::string, Insertions> insertionsByFile(const AnnotateResults &R) {
  std::map<std::string, Insertions> Out;
  for (const Selected &S : R.Functions)
    if (!S.Text.empty())
      Out[S.File][S.Offset] += S.Text;
  return Out;
}

Expected<std::string> applyInsertions(StringRef Path, StringRef Code,
                                      const Insertions &Ins) {
  clang::tooling::Replacements Reps;
  for (const auto &[Offset, Text] : Ins)
    if (Error E = Reps.add(clang::tooling::Replacement(Path, Offset, 0, Text)))
      return std::move(E);
  return clang::tooling::applyAllReplacements(Code, Reps);
}

namespace {

/// The lines of a text: where each begins and ends (before its '\n').
struct Lines {
  explicit Lines(StringRef Text) : Text(Text) {
    for (size_t P = 0; P < Text.size();) {
      Begins.push_back(P);
      size_t NL = Text.find('\n', P);
      if (NL == StringRef::npos)
        break;
      P = NL + 1;
    }
  }
  size_t size() const { return Begins.size(); }
  size_t begin(size_t L) const { return Begins[L]; }
  size_t end(size_t L) const {
    if (L + 1 < Begins.size())
      return Begins[L + 1] - 1;
    return Text.ends_with("\n") ? Text.size() - 1 : Text.size();
  }
  StringRef text(size_t L) const { return Text.slice(begin(L), end(L)); }
  /// The last line has no '\n'.
  bool noEOL() const { return !Text.empty() && !Text.ends_with("\n"); }

  StringRef Text;
  std::vector<size_t> Begins;
};

/// One changed line of the old text: lines inserted before it, or the line
/// replaced by new ones (an insertion inside it).
struct Change {
  size_t Line; ///< 0-based, in the old text
  bool Replace;
  SmallVector<std::string, 2> Added;
  size_t oldEnd() const { return Line + (Replace ? 1 : 0); }
};

std::vector<Change> changes(const Lines &Old, const Insertions &Ins) {
  std::vector<Change> Out;
  auto It = Ins.begin();
  for (size_t L = 0; L < Old.size() && It != Ins.end(); ++L) {
    size_t Begin = Old.begin(L), End = Old.end(L);
    if (It->first > End)
      continue;
    std::string New;
    size_t Pos = Begin;
    bool Pure = true; // only whole lines, inserted at the line's start
    for (; It != Ins.end() && It->first <= End; ++It) {
      Pure &= It->first == Begin && StringRef(It->second).ends_with("\n");
      New += Old.Text.slice(Pos, It->first).str() + It->second;
      Pos = It->first;
    }
    if (!Pure)
      New += Old.Text.slice(Pos, End).str();
    Change C{L, !Pure, {}};
    SmallVector<StringRef, 2> Parts;
    (Pure ? StringRef(New).drop_back() : StringRef(New)).split(Parts, '\n');
    for (StringRef P : Parts)
      C.Added.push_back(P.str());
    Out.push_back(std::move(C));
  }
  return Out;
}

} // namespace

namespace {

constexpr size_t Context = 3; ///< lines around each change

/// One hunk: the changes \p Cs with their context. \p Delta is the new
/// line number minus the old one before it, and after it on return.
void writeHunk(raw_ostream &OS, const Lines &Old, ArrayRef<Change> Cs,
               long &Delta) {
  size_t Start = Cs.front().Line > Context ? Cs.front().Line - Context : 0;
  size_t End = std::min(Old.size(), Cs.back().oldEnd() + Context);
  long Grow = 0;
  for (const Change &C : Cs)
    Grow += long(C.Added.size()) - (C.Replace ? 1 : 0);
  OS << "@@ -" << Start + 1 << "," << End - Start << " +"
     << long(Start) + 1 + Delta << "," << long(End - Start) + Grow << " @@\n";
  auto Emit = [&](char Mark, StringRef Text, bool Last) {
    OS << Mark << Text << "\n";
    if (Last && Old.noEOL())
      OS << "\\ No newline at end of file\n";
  };
  for (size_t L = Start; L < End; ++L) {
    bool Last = L + 1 == Old.size();
    if (!Cs.empty() && Cs.front().Line == L) {
      const Change &C = Cs.front();
      Cs = Cs.drop_front();
      if (C.Replace)
        Emit('-', Old.text(L), Last);
      for (size_t A = 0; A < C.Added.size(); ++A)
        Emit('+', C.Added[A], C.Replace && Last && A + 1 == C.Added.size());
      if (C.Replace)
        continue;
    }
    Emit(' ', Old.text(L), Last);
  }
  Delta += Grow;
}

} // namespace

std::string unifiedDiff(StringRef Path, StringRef Text, const Insertions &Ins) {
  Lines Old(Text);
  std::vector<Change> Cs = changes(Old, Ins);
  if (Cs.empty())
    return "";
  std::string Out;
  raw_string_ostream OS(Out);
  OS << "--- " << Path << "\n+++ " << Path << "\n";
  long Delta = 0;
  for (size_t I = 0; I < Cs.size();) {
    size_t J = I; // changes closer than twice the context share a hunk
    while (J + 1 < Cs.size() && Cs[J + 1].Line <= Cs[J].oldEnd() + 2 * Context)
      ++J;
    writeHunk(OS, Old, ArrayRef(Cs).slice(I, J - I + 1), Delta);
    I = J + 1;
  }
  return Out;
}

void writeVariantsFile(raw_ostream &OS, const AnnotateResults &R,
                       const std::vector<std::string> &Variants,
                       StringRef ListPath) {
  OS << "# Written by melf-annotate from " << ListPath << ": "
     << R.Functions.size() << " function"
     << (R.Functions.size() == 1 ? "" : "s") << ".\n"
     << "# Use: -fplugin-arg-melf-variants-file=<this file>\n";
  if (Variants.empty())
    OS << "# No 'variants' line: the compile's -fplugin-arg-melf-variants= "
          "configures them.\n";
  else
    OS << "variants " << join(Variants, " ") << "\n";
  for (const Selected &S : R.Functions) {
    OS << "functions";
    for (const std::string &M : S.Manglings)
      OS << " " << escapeGlob(M);
    OS << "  # " << S.Name << ", " << displayPath(S.File) << ":" << S.Line
       << "\n";
  }
}

} // namespace melf
