# Sourced by run.sh and rounds.sh (from the repository root, with $data set): generates the snapshot if absent,
# makes a temporary $work (removed on exit), builds the Release CLI ($cli) and writes the phrase lists
# p10, p1000, p10000, k10, k1000 and k10000 (.txt: 10, 1,000 and 10,000 n-gram phrases and keyphrases) into $work.
[ -f "$data" ] || python3 bench/data/generate.py --size 1G "$data"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet build src/ArxivDigest.Cli -c Release --nologo -v q >/dev/null
cli="dotnet src/ArxivDigest.Cli/bin/Release/net10.0/arxiv-digest.dll"
python3 bench/match/phrases.py "$data" 10 "$work/p10.txt"
python3 bench/match/phrases.py "$data" 1000 "$work/p1000.txt"
python3 bench/match/phrases.py "$data" 10000 "$work/p10000.txt"
python3 bench/match/phrases.py "$data" 10 "$work/k10.txt" --keyphrases
python3 bench/match/phrases.py "$data" 1000 "$work/k1000.txt" --keyphrases
python3 bench/match/phrases.py "$data" 10000 "$work/k10000.txt" --keyphrases
