#!/bin/sh
# Issue 16: `dvcheck dns ... --format dot` drawn by Graphviz (`dot -Tsvg`)
# for lab scenarios: healthy, broken CNAME (stale server, chain, missing),
# lame and unreachable servers, a record in the parent zone, no zone, a
# delegated _acme-challenge, hostile names and TXT values (hostile-dns.test:
# quotes, braces, backslashes, control bytes, DOT keywords). The SVG must
# parse, hold only the graph's own nodes (no node injected from data), and
# mark the broken parts red. Skips without Graphviz.
. "$SRCDIR/tests/lib.sh"
lab_up
command -v dot >/dev/null 2>&1 || skip_all "graphviz (dot) not installed (tools/deps.sh)"

T=$(mktemp -d /tmp/dvcheck-dot.XXXXXX)
trap 'rm -rf "$T"' EXIT
RV=_424c7224e9b0146f9a8808af955727d0.hkmpvcwbzw.acm-validations.aws.
RN=_a79865eb4cd1a6ab990a45779b4e0b96
RED='#cf222e'

# svg_nodes FILE: the node titles (graph ids) in the SVG, one per line
svg_nodes() {
  "$PY" -c 'import sys, xml.etree.ElementTree as E
ns = "{http://www.w3.org/2000/svg}"
for g in E.parse(sys.argv[1]).iter(ns + "g"):
    if g.get("class") == "node":
        print(g.find(ns + "title").text)' "$1"
}
# svg_text FILE: every text element, one per line
svg_text() {
  "$PY" -c 'import sys, xml.etree.ElementTree as E
for t in E.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}text"):
    print(t.text or "")' "$1"
}

# graph NAME EXIT ARGS...: dvcheck dns ARGS --format dot, then dot -Tsvg
graph() {
  n=$1; want=$2; shift 2
  "$DVCHECK" --no-color --resolver "$LAB_RESOLVER" dns "$@" --format dot >"$T/$n.dot" 2>"$T/$n.err"
  rc=$?
  if [ "$rc" = "$want" ]; then ok "$n: exit $rc"; else nok "$n: exit $rc, want $want"; diag "$(cat "$T/$n.err")"; fi
  if dot -Tsvg "$T/$n.dot" >"$T/$n.svg" 2>"$T/$n.doterr" && [ ! -s "$T/$n.doterr" ]; then
    ok "$n: dot -Tsvg draws it without a warning"
  else
    nok "$n: dot -Tsvg"; diag "$(cat "$T/$n.doterr")"
  fi
  bad=$(svg_nodes "$T/$n.svg" 2>&1 | grep -Ev '^r[0-9]+c*_[a-z0-9_]+$')
  if [ -z "$bad" ] && [ -n "$(svg_nodes "$T/$n.svg")" ]; then
    ok "$n: the SVG parses; every node is one of the graph's own ($(svg_nodes "$T/$n.svg" | wc -l | tr -d ' '))"
  else
    nok "$n: foreign or no nodes in the SVG"; diag "$bad"
  fi
}
has() { if grep -q -- "$3" "$T/$2.dot"; then ok "$2: $1"; else nok "$2: $1"; fi; }
hasnt() { if grep -q -- "$3" "$T/$2.dot"; then nok "$2: $1"; else ok "$2: $1"; fi; }

graph healthy 0 --cname "$RN.dnsok.test=$RV"
hasnt "nothing red when all is well" healthy "$RED"
has "both servers answer the expected value (green edges to it)" healthy '"r0_s1" -> "r0_n0" \[label="CNAME", color="#1a7f37"'

graph lame 1 --cname "$RN.lame.test=$RV"
has "the lame server's NS edge is red and says REFUSED" lame 'lame: refused (REFUSED)'
has "the unreachable server's NS edge is red and dashed" lame "NS (unreachable: .*style=dashed"

graph stale 2 --cname "$RN.stale.test=$RV"
has "the server without the record points to a red 'no CNAME' node" stale '"r0_none" \[shape=octagon'

graph chain 2 --cname "$RN.chain.test=$RV"
check_hops=$(grep -c 'CNAME hop' "$T/chain.dot")
if [ "$check_hops" = 6 ]; then ok "chain: the resolver's six CNAME hops"; else nok "chain: $check_hops hops, want 6"; fi

graph parent-zone 2 --cname "$RN.sub.deleg.test=$RV"
has "the delegation deleg.test -> sub.deleg.test is drawn" parent-zone '-> "r0_z1" \[label="delegates"'

graph no-zone 2 --cname "$RN.servfail.test=$RV"
has "no zone found: a red node says why" no-zone '"r0_nozone"'

graph acme-delegated 0 --acme acme-cname.test
has "the _acme-challenge CNAME delegation links to the target's own cluster" acme-delegated '"r0_rn" -> "r0c_rn" \[label="CNAME (delegation)"'

graph hostile-cname 2 --cname "$RN.hostile-dns.test=$RV"
has "the broken chain ends in a red node" hostile-cname '"r0_end"'
graph hostile-txt 0 --acme hostile-dns.test
if svg_text "$T/hostile-txt.svg" | grep -qF "TXT tok\"en\\x5Cx5C\"}; digraph x { a -> b } <script>alert(1)</script>"; then
  ok "hostile-txt: the TXT value with quotes, braces and DOT syntax is one label, shown as text"
else
  nok "hostile-txt: TXT label"; diag "$(svg_text "$T/hostile-txt.svg")"
fi
if grep -q '<script' "$T/hostile-txt.svg"; then nok "hostile-txt: no <script> element in the SVG"; else ok "hostile-txt: no <script> element in the SVG"; fi

# --output FILE writes the graph atomically
"$DVCHECK" --no-color --resolver "$LAB_RESOLVER" --output "$T/out.dot" dns --cname "$RN.dnsok.test=$RV" --format dot >"$T/out.stdout" 2>&1
if [ $? = 0 ] && [ ! -s "$T/out.stdout" ] && head -1 "$T/out.dot" | grep -q '^digraph "dvcheck" {$' &&
  dot -Tsvg "$T/out.dot" >/dev/null 2>&1; then
  ok "--output FILE: the graph in the file (dot reads it), nothing on stdout"
else
  nok "--output FILE"
fi
# not a format of other commands
"$DVCHECK" preflight dnsok.test --format dot >/dev/null 2>"$T/pf.err"
if [ $? = 3 ] && grep -q "not a format of 'preflight'" "$T/pf.err"; then ok "--format dot is refused by preflight"; else nok "--format dot is refused by preflight"; fi
done_testing
