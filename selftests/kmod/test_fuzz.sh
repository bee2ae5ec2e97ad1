#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The halb netlink family under a fuzzer (nlfuzz.c), with services and
# traffic live: as root in the director's namespace, then as an unprivileged
# user in a user namespace of its own, then refused where it owns nothing.
# Afterwards the tables answer, the services the fuzzer was told to leave
# alone are byte for byte as they were and still carry traffic, halb unloads
# without leaking, and the kernel log is clean.
#
#   client c ---------------- director d ------------- br0 ---- rs1 rs2 rs3
#   TCP  -> VIP 203.0.113.1:80   NAT (rs1, rs2)    protected: the fuzzer
#   UDP  -> VIP2 203.0.113.2:53  fuzzed live       never names 203.0.113.1
#   client c2 (on br0)           nlfuzz (root)
#   UDP  -> VIP 203.0.113.1:53   DR (rs1..rs3)     protected
#
#   init netns: a sentinel service 192.0.2.250:80 (-> 192.0.2.251, NAT)
#   nobody, root of a new user namespace with a netns of its own
#   (nlfuzz --userns own): full rights there, and only there
#   nobody, root of a new user namespace, in init netns / in d
#   (nlfuzz --userns foreign): every request must be EPERM
#
# Knobs: HALB_FUZZ_SECONDS (root phase, default 60; the user-namespace phase
# runs a third of it, each refused phase a twelfth), HALB_FUZZ_SEED.
. "$(dirname "$0")/lib.sh"

SECS=${HALB_FUZZ_SECONDS:-60}
SEED=${HALB_FUZZ_SEED:-$(date +%s)}
VIP2=203.0.113.2 VIP2_6=2001:db8:100::2
SENT=192.0.2.250
PUB=$(mktemp -d /tmp/halb-fuzz.XXXXXX)
LOOPS=()

fuzz_cleanup() {
	local p
	for p in "${LOOPS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	"$HALBCTL" -D -t $SENT:80 2>/dev/null
	rm -rf "$PUB"
	cleanup
}
trap fuzz_cleanup EXIT

diag "seed $SEED, root phase $SECS s"
topo_up 3
rs_dr_setup
for i in 1 2 3; do nsx "rs$i" ip addr add $VIP2/32 dev lo; done
nsx d ip addr add $VIP2/32 dev lo
nsx d ip addr add $VIP2_6/128 dev lo
dmesg_mark
load_halb || { fail "load halb.ko"; exit 1; }
# nobody must be able to run the fuzzer: a world-readable copy
chmod 755 "$PUB"
install -m 755 "$BIN/nlfuzz" "$PUB/nlfuzz"
NLFUZZ=$PUB/nlfuzz

# --- the protected services, a sentinel in the init namespace ----------------
setup_services() {
	adm halb -A -t $VIP4:80 -s rr &&
	adm halb -a -t $VIP4:80 -r "$(rs_ip4 1):80" -m -w 1 &&
	adm halb -a -t $VIP4:80 -r "$(rs_ip4 2):80" -m -w 2 &&
	adm halb -A -u $VIP4:53 -s wrr &&
	adm halb -a -u $VIP4:53 -r "$(rs_ip4 1):53" -g -w 1 &&
	adm halb -a -u $VIP4:53 -r "$(rs_ip4 2):53" -g -w 2 &&
	adm halb -a -u $VIP4:53 -r "$(rs_ip4 3):53" -g -w 3 &&
	"$HALBCTL" -A -t $SENT:80 -s wlc &&
	"$HALBCTL" -a -t $SENT:80 -r 192.0.2.251:80 -m -w 3
}
check "protected NAT and DR services and the init-netns sentinel configured" setup_services

# listing of the services on ADDR (config only, counters left out), or all
only_addr() { awk -v a="addr4=$1" '/^svc/ { keep = index($0, a " ") > 0 } keep'; }
list_d() { nsx d "$NLFUZZ" --list; }
list_d | only_addr $VIP4 > "$WORK/protected.before"
"$NLFUZZ" --list > "$WORK/init.before"
check "protected listing has 2 services and 5 real servers" \
	[ "$(grep -c '^svc' "$WORK/protected.before")" = 2 -a \
	  "$(grep -c '^  dest' "$WORK/protected.before")" = 5 ]

# --- traffic, all along -------------------------------------------------------
# each loop appends one line per answer (or "timeout") to its file
traffic_loop() {
	local out=$1; shift
	trap 'exit 0' TERM
	while :; do "$@" >> "$out" 2>/dev/null || echo fail >> "$out"; sleep 0.2; done
}
tcp_batch() {
	local i args=()
	for i in $(seq 1 10); do args+=("http://$1/"); done
	nsx c curl -s --max-time 3 -H 'Connection: close' -w '\n%{http_code}\n' "${args[@]}"
}
traffic_loop "$WORK/t.nat" tcp_batch $VIP4 & LOOPS+=($!)
traffic_loop "$WORK/t.dr" nsx c2 "$BIN/udptool" client $VIP4 53 20 & LOOPS+=($!)
traffic_loop "$WORK/t.live" nsx c "$BIN/udptool" client $VIP2 53 20 & LOOPS+=($!)
traffic_loop "$WORK/t.live6" nsx c "$BIN/udptool" client $VIP2_6 53 10 & LOOPS+=($!)
traffic_loop "$WORK/t.live80" tcp_batch $VIP2 & LOOPS+=($!)
busywait 20000 sh -c "grep -q '^rs' $WORK/t.nat && grep -q '^rs' $WORK/t.dr"
check "traffic flows through the NAT and DR services before the fuzz" [ $? = 0 ]

# answered FILE / tries FILE: answers, attempts (curl: one status line each;
# udptool: an answer or "timeout" each; a failed run of either: "fail")
answered() { grep -c '^rs[123]$' "$1"; }
tries() {
	if grep -qE '^[0-9]{3}$' "$1"; then grep -cE '^([0-9]{3}|fail)$' "$1"
	else grep -cE '^(rs[123]|timeout|fail)$' "$1"; fi
}

# run_fuzz NAME EXPECT_RC CMD...: runs a fuzzer, shows its summary, checks rc
run_fuzz() {
	local name=$1 out=$WORK/fuzz.$1 rc seed first
	shift
	"$@" > "$out" 2>&1
	rc=$?
	grep -E '^# (nlfuzz|FAIL|  )' "$out" | head -n 120
	# the seed and the first failure in the line itself, so a summary
	# that keeps only the failing lines still says what to rerun
	seed=$(sed -n 's/^# nlfuzz: seed \([0-9]*\),.*/\1/p' "$out" | head -n1)
	first=$(grep -m1 '^# FAIL' "$out" | sed 's/^# FAIL/; first: FAIL/')
	check "$name: nlfuzz reports no failure (rc $rc, seed $seed$first)" [ "$rc" = 0 ]
	check "$name: sent $(msgs "$out") messages" [ "$(msgs "$out")" -gt 0 ]
}
msgs() { sed -n 's/.*: \([0-9]*\) messages in .*/\1/p' "$1" | tail -n1 | grep . || echo 0; }
succeeded() { grep '^# nlfuzz: succeeded:' "$1" | grep -o " $2=[0-9]*" | cut -d= -f2; }

# --- (a) root, in the director's namespace, traffic live --------------------
for f in "$WORK"/t.*; do : > "$f"; done
run_fuzz root nsx d "$NLFUZZ" --seed "$SEED" --seconds "$SECS" --jobs 2 --protect $VIP4 \
	--vip $VIP2 --vip $VIP2_6 --rs "$(rs_ip4 1)" --rs "$(rs_ip4 2)" --rs "$(rs_ip4 3)" \
	--rs "$(rs_ip6 1)" --rs "$(rs_ip6 2)"
for c in new-service set-service del-service new-dest set-dest del-dest; do
	n=$(succeeded "$WORK/fuzz.root" $c)
	check "root: $c succeeded $n times (past validation, racing traffic)" [ "${n:-0}" -gt 0 ]
done
for t in nat dr live live6 live80; do
	diag "traffic during the fuzz, $t: $(answered "$WORK/t.$t") answers to $(tries "$WORK/t.$t") tries"
done
n=$(answered "$WORK/t.nat") all=$(tries "$WORK/t.nat")
check "protected NAT service answered during the fuzz ($n of $all)" \
	[ "$n" -gt 0 -a $((n * 10)) -ge $((all * 8)) ]
n=$(answered "$WORK/t.dr") all=$(tries "$WORK/t.dr")
check "protected DR service answered during the fuzz ($n of $all)" \
	[ "$n" -gt 0 -a $((n * 10)) -ge $((all * 8)) ]

list_d | only_addr $VIP4 > "$WORK/protected.after"
check "protected services byte-identical after the root fuzz" \
	cmp -s "$WORK/protected.before" "$WORK/protected.after"
diff "$WORK/protected.before" "$WORK/protected.after" | sed 's/^/# /' | head -n 20

# --- (b) an unprivileged user in a user namespace ------------------------------
nsx d "$NLFUZZ" --list > "$WORK/d.before"
"$NLFUZZ" --list > "$WORK/init.before2"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
if ! "$NLFUZZ" --userns own --list >/dev/null; then
	skip "user namespace phases" "cannot make a user namespace as nobody"
else
	# nobody, root of a user namespace that owns a network namespace
	run_fuzz userns "$NLFUZZ" --userns own --as 65534 --seed $((SEED + 1)) \
		--seconds $((SECS / 3 + 1)) --bulk 50
	for c in new-service new-dest del-service flush; do
		n=$(succeeded "$WORK/fuzz.userns" $c)
		check "userns: $c succeeded $n times in its own namespace" [ "${n:-0}" -gt 0 ]
	done
	# a user-namespace root in a network namespace it does not own
	run_fuzz eperm-init "$NLFUZZ" --userns foreign --as 65534 --expect-eperm \
		--seed $((SEED + 2)) --seconds $((SECS / 12 + 1))
	# (nsenter, not ip netns exec: the latter's mount namespace would keep
	# nlfuzz from leaving the guest's chroot)
	run_fuzz eperm-d nsenter --net="/run/netns/$NS_PREFIX-d" "$NLFUZZ" --userns foreign \
		--as 65534 --expect-eperm \
		--seed $((SEED + 3)) --seconds $((SECS / 12 + 1))
	n=$(grep -o ' EPERM=[0-9]*' "$WORK/fuzz.eperm-d" | cut -d= -f2)
	check "userns root over the director's namespace: $n requests refused with EPERM" \
		[ "${n:-0}" -gt 0 ]
fi
# and without any user namespace: no capability at all
out=$(nsx d "${NOBODY[@]}" --bounding-set=-all "$NLFUZZ" --list 2>&1)
check "nobody without capabilities cannot list the director's services ($out)" \
	[ -z "$(grep svc <<<"$out")" -a -n "$(grep 'not permitted' <<<"$out")" ]
"$NLFUZZ" --list > "$WORK/init.after"
check "init-netns table byte-identical after the user-namespace phases" \
	cmp -s "$WORK/init.before" "$WORK/init.after"
check "init-netns sentinel still there" grep -q "addr4=$SENT " "$WORK/init.after"
nsx d "$NLFUZZ" --list > "$WORK/d.after"
check "director's table byte-identical after the user-namespace phases" \
	cmp -s "$WORK/d.before" "$WORK/d.after"

# --- (c) afterwards -------------------------------------------------------------
out=$(adm halb -L -n 2>&1)
check "halbctl -L -n answers" [ $? = 0 ]
check "halbctl lists both protected services" \
	[ -n "$(grep -E "^TCP +$VIP4:80 " <<<"$out")" -a -n "$(grep -E "^UDP +$VIP4:53 " <<<"$out")" ]
adm halb -L -n -c > "$WORK/conns"
check "a full connection dump completes ($(wc -l < "$WORK/conns") lines)" [ $? = 0 ]
n=$(grep -c . "$WORK/d.after")
check "a full service and real-server dump completes ($n lines)" [ "$n" -gt 0 ]
for p in "${LOOPS[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
LOOPS=()
# (exact shares are not asked: a client port reused from the fuzz's flows
# keeps the real server of its connection entry)
out=$(http_hits "http://$VIP4/" 6)
check "NAT traffic through the protected service afterwards: $(echo $out)" \
	[ "$(grep -cE '^rs[12]$' <<<"$out")" = 6 ]
out=$(nsx c2 "$BIN/udptool" client $VIP4 53 6)
check "DR traffic through the protected service afterwards: $(echo $out)" \
	[ "$(grep -cE '^rs[123]$' <<<"$out")" = 6 ]
check "rmmod halb with services and connections left by the fuzzer" rmmod halb
check "halb slab caches are gone" \
	[ ! -e /sys/kernel/slab/halb_conn -a -z "$(grep '^halb' /proc/slabinfo 2>/dev/null)" ]
check "kernel log clean after fuzzing" dmesg_clean
[ "$ktap_fail" = 0 ]
