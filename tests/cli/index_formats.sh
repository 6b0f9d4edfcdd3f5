#!/bin/bash
# index_formats.sh — every input format of docs/indexing.md, table-driven:
# each row is "file | content | terms that must exist".
source "$(dirname "$0")/lib/index-common.bash"
mkdir -p "$T/in/.hidden"
cd "$T/in" || exit 1
printf 'Title: Un sommet à Washington\nDate: Thu, 11 Jul 2024 10:00:00 +0200\nSource: Agence France Dépêche\nURL: https://example.org/otan\nSection: monde\n\nLes alliés se retrouvent pour le sommet annuel.\n' >header.txt
printf 'La canicule frappe Lyon\n\nLes températures dépassent quarante degrés ce week-end.\n' >titleline.txt
printf 'Ceci est une phrase complète qui finit par un point.\nEt une seconde ligne sur les écoles.\n' >notitle.txt
printf '# Le Louvre-Lens expose\n\nUne exposition consacrée aux mineurs du Nord.\n' >doc.md
printf '{"id":"obj-1","title":"Objet JSON","date":"2024-02-08T07:30:00Z","site":"La Gazette","summary":"Un chapô sur le pétrole.","content":"Le corps parle des résultats annuels."}' >one.json
printf '[{"id":"arr-1","body":"Premier élément du tableau sur la pêche."},\n {"title":"Sans id","body":"Deuxième élément sur la chasse."}]' >many.json
printf '{"id":"nd-1","date":"12/03/2024","body":"Une ligne ndjson sur le football."}\n' >x.ndjson
printf 'Caché\n\nUn fichier caché ne doit pas être lu.\n' >.hidden/secret.txt
printf 'Caché\n\nUn fichier caché ne doit pas être lu.\n' >.dotfile.txt
printf 'Ignoré\n\nUne extension inconnue dans un répertoire est ignorée.\n' >notes.csv
ln -s "$T/in" loop   # a symlink loop
cd - >/dev/null || exit 1

run_idx --index "$DB" --json "$T/in"
expect_eq "exit status" 0 "$rc"
expect_eq "stderr" "" "$err"
expect_eq "added" 8 "$(json_field added)"

while IFS='|' read -r what term; do
  has_term "$DB" "$term" || fail "$what: no term $term"
done <<'TABLE'
header block: title|Ssommet
header block: RFC 2822 date|D20240711
header block: source|XSRCagence france depeche
header block: URL as id|Qhttps://example.org/otan
header block: unknown key ignored, body kept|Zalli
title line|Scanicul
title line: body|Ztemperatur
no title line: first line is body|Zphras
markdown title|Slouvr
json object: id|Qobj-1
json object: ISO date-time|D20240208
json object: site as source|XSRCla gazette
json object: summary as lead|Zpetrol
json object: content as body|Zannuel
json array: id|Qarr-1
json array: id fallback path#index|Qmany.json#2
ndjson: dd/mm/yyyy date|D20240312
TABLE
has_term "$DB" "Snoti" && fail "no title expected for notitle.txt"
has_term "$DB" "Zcach" && fail "hidden files must be skipped"
has_term "$DB" "Zignor" && fail "unknown extensions in directories are skipped"

# stdin: JSON Lines and plain text are sniffed
run_idx --index "$DB" --json - <<<'{"id":"stdin-1","body":"Un article venu de l’entrée standard."}'
expect_eq "stdin jsonl" 1 "$(json_field added)"
has_term "$DB" "Qstdin-1" || fail "stdin jsonl id"
run_idx --index "$DB" --json - <<<$'Un titre sur stdin\n\nDu texte brut sur les vendanges.'
expect_eq "stdin text" 1 "$(json_field added)"
has_term "$DB" "Qstdin" || fail "stdin text id"
has_term "$DB" "Zvendang" || fail "stdin text body"

# a file named explicitly with an unknown extension is sniffed
printf '{"id":"sniff-1","body":"Reconnu comme JSON Lines."}\n' >"$T/data.log"
run_idx --index "$DB" --json "$T/data.log"
expect_eq "sniffed" 1 "$(json_field added)"
has_term "$DB" "Qsniff-1" || fail "sniffed id"
echo PASS
