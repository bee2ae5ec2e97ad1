#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn: director namespaces, the module itself and real servers come and
# go under traffic, and nothing leaks or breaks.
#
#   client c                     director d (or n1, n2, ...)     farm f
#   eth0 198.51.100.2/24 ------- eth0 198.51.100.1/24
#        2001:db8:1::2/64             2001:db8:1::1/64
#                                lo   VIP 203.0.113.1, 2001:db8:100::1
#                                eth1 192.0.2.1/24 ------------ eth0 2001:db8:2::2/64
#                                     2001:db8:2::1/64          real servers 1..22:
#                                                               192.0.2.11..32 (dummy0)
#                                                               2001:db8:2::11..32 (eth0)
#   loadtool client: short            NAT                       one loadtool server on
#   connections and long-lived                                  every address, port 8000,
#   ones, every byte checked                                    answers with the address
#
# (0) What halb costs a namespace that never uses it: HALB_CHURN_IDLE
#     (default 8) bare namespaces made with halb unloaded, then loaded;
#     the difference per namespace is under 256 KiB (it was a megabyte:
#     connection tables allocated for every namespace).
# (a) HALB_CHURN_NETNS times (default 2): a director namespace nI is made
#     and linked to c and f, given TCP services over IPv4 and IPv6, carries
#     short and long-lived connections, and is deleted with the long-lived
#     ones still open.  Then halb's slab caches (halb_conn, halb_dest,
#     halb_service) are back at their baseline and the module's reference
#     count is 0.
# (b) HALB_CHURN_RELOADS times (default 2): rmmod halb while connections
#     run and a connection dump loops against it, then insmod and restore
#     the rules.  rmmod succeeds (or refuses cleanly and succeeds on a
#     retry); every connection made while halb was loaded and configured
#     completes.
# (c) HALB_CHURN_OPS (default 1000) real-server adds, weight edits and
#     removals, in batches of HALB_CHURN_BATCH (100) through "halbctl -R",
#     on a wrr service carrying short connections and four long-lived ones:
#     no connection set up between two batches reaches a server that was
#     removed or has weight 0; every connection completes with every byte
#     (those of removed servers too: the default policy keeps them); the
#     long-lived flows, on the two servers never touched, carry on; the
#     kernel's table matches the model; once the flows end and expire,
#     halb_conn is empty and halb_dest holds exactly the configured servers.
# At the end rmmod succeeds and the caches are gone.
#
# Knobs: HALB_CHURN_IDLE, HALB_CHURN_NETNS, HALB_CHURN_RELOADS, HALB_CHURN_OPS,
# HALB_CHURN_BATCH, HALB_CHURN_SEED.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stress_lib.sh"

NIDLE=${HALB_CHURN_IDLE:-8}
NNS=${HALB_CHURN_NETNS:-2}
RELOADS=${HALB_CHURN_RELOADS:-2}
OPS=${HALB_CHURN_OPS:-1000}
BATCH=${HALB_CHURN_BATCH:-100}
SEED=${HALB_CHURN_SEED:-$$}
POOL=20			# real servers 3..22 are churned; 1 and 2 never
P=/sys/module/halb/parameters
TIMEOUTS="tcp_timeout_time_wait tcp_timeout_close tcp_timeout_fin_wait tcp_timeout_close_wait
	  tcp_timeout_last_ack tcp_timeout_syn_recv tcp_timeout_syn_sent"
CLIENTS=()

churn_cleanup() {
	kill_clients
	params_restore $TIMEOUTS
	stress_cleanup
}
trap churn_cleanup EXIT

diag "seed $SEED: $NNS namespaces, $RELOADS reloads, $OPS real-server operations"
dmesg_mark
light_topo $((POOL + 2)) || { fail "topology"; exit 1; }

# --- (0) idle namespaces ------------------------------------------------------------
# kernel memory that is not page cache: unreclaimable slab (large kmalloc
# included), vmalloc, per-CPU
kmem() {
	local k v _ s=0
	while read -r k v _; do
		case $k in SUnreclaim:|VmallocUsed:|Percpu:) s=$((s + v)) ;; esac
	done < /proc/meminfo
	echo "$s"
}
# idle_cost: KiB that one more bare namespace takes, over NIDLE of them
idle_cost() {
	local a b i n0
	for ((i = 0; i < NIDLE; i++)); do echo "netns add $NS_PREFIX-idle$i"; done > "$WORK/idle.add"
	for ((i = 0; i < NIDLE; i++)); do echo "netns del $NS_PREFIX-idle$i"; done > "$WORK/idle.del"
	n0=$(slab net_namespace)
	a=$(kmem)
	ip -b "$WORK/idle.add"
	b=$(kmem)
	ip -b "$WORK/idle.del"
	# namespaces are torn down in the background
	poll 20 eval '[ "$(slab net_namespace)" -le "$n0" ]'
	echo $(((b - a) / NIDLE))
}
lsmod | grep -q '^halb ' && rmmod halb
idle_cost >/dev/null		# warm the caches
without=$(idle_cost)
load_halb || { fail "load halb.ko"; exit 1; }
with=$(idle_cost)
check "a namespace that never uses halb costs it $((with - without)) KiB ($without KiB without halb, $with with)" \
	[ $((with - without)) -lt 256 ]
check "the farm answers" poll 20 farm_up
# entries end soon after their connections, so the caches can be watched
# draining; ESTABLISHED keeps its default
params_save $TIMEOUTS
for t in $TIMEOUTS; do echo 2 > "$P/$t"; done
base=$(slab_all)
diag "baseline: $base"

# totals CLIENT_OUTPUT KEY: a number of loadtool client's "total" line
total() { local l; l=$(grep '^total ' <<<"$1"); l=${l##*"$2"=}; echo "${l%% *}"; }

# --- (a) director namespaces made and deleted under traffic --------------------
cat > "$WORK/rules.a" <<EOF
-A -t $VIP4:80 -s rr
-a -t $VIP4:80 -r $(farm_addr 1):$FARM_PORT -m
-a -t $VIP4:80 -r $(farm_addr 2):$FARM_PORT -m
-A -t [$VIP6]:80 -s wlc
-a -t [$VIP6]:80 -r [$(farm_addr6 1)]:$FARM_PORT -m
-a -t [$VIP6]:80 -r [$(farm_addr6 2)]:$FARM_PORT -m
EOF
start=$SECONDS
ok_a=0
peak=0
for i in $(seq 1 "$NNS"); do
	n=n$i
	if ! director_up "$n" "$n" || ! nsx "$n" "$HALBCTL" -R < "$WORK/rules.a"; then
		fail "namespace $n: set up"
		continue
	fi
	rm -f "$WORK/stop.a" "$WORK/status.a"
	nsx c "$BIN/loadtool" client --workers 0 --count 0 --long 2 --long-size 20000 --rate 50000 \
		--stop "$WORK/stop.a" --status "$WORK/status.a" --ctimeout 10000 --timeout 3000 $VIP6 80 \
		> "$WORK/long.a" 2>&1 &
	CLIENTS+=($!)
	out=$(nsx c "$BIN/loadtool" client --workers 2 --count 20 --size 5000 $VIP4 80)
	got=$(total "$out" short_ok)
	poll 15 eval '[ "$(file_word "$WORK/status.a" long_reqs || echo 0)" -gt 0 ]'
	reqs=$(file_word "$WORK/status.a" long_reqs)
	now=$(slab halb_conn)
	[ "$now" -gt "$peak" ] && peak=$now
	if [ "$got" = 20 ] && [ "${reqs:-0}" -gt 0 ] && [ "$now" -gt 0 ]; then
		ok_a=$((ok_a + 1))
	else
		diag "namespace $n: $got of 20 short connections, ${reqs:-0} long requests, halb_conn $now"
	fi
	# deleted with the long-lived connections open
	ip netns del "$NS_PREFIX-$n"
	: > "$WORK/stop.a"
	# its connections hang up at their 3 s receive timeout
	poll 12 eval '! kill -0 "${CLIENTS[-1]}" 2>/dev/null'
	kill "${CLIENTS[-1]}" 2>/dev/null
	wait "${CLIENTS[-1]}" 2>/dev/null
	unset 'CLIENTS[-1]'
	[ "${reqs:-0}" -gt 0 ] || sed 's/^/# long-lived client: /' "$WORK/long.a"
done
# c and f route through d again
routes_via eth0 apply || fail "routes back through d"
check "$ok_a of $NNS director namespaces carried IPv4 and IPv6 traffic (halb_conn up to $peak)" \
	[ "$ok_a" = "$NNS" ]
back_to_base() { [ "$(slab_all)" = "$base" ]; }
poll 60 back_to_base
check "namespaces gone: slab caches back at baseline ($(slab_all))" back_to_base
check "module reference count is 0 ($(mod_refcnt))" [ "$(mod_refcnt)" = 0 ]
diag "(a) took $((SECONDS - start)) s"

# --- (b) rmmod and insmod under traffic -----------------------------------------
start=$SECONDS
cat > "$WORK/rules.b" <<EOF
-A -t $VIP4:80 -s wrr
-a -t $VIP4:80 -r $(farm_addr 1):$FARM_PORT -m -w 1
-a -t $VIP4:80 -r $(farm_addr 2):$FARM_PORT -m -w 2
-a -t $VIP4:80 -r $(farm_addr 3):$FARM_PORT -m -w 3
EOF
nsx d "$HALBCTL" -R < "$WORK/rules.b" || fail "(b): rules"
rm -f "$WORK/stop.b"
nsx c "$BIN/loadtool" client --workers 2 --long 2 --long-size 20000 --size 3000 \
	--stop "$WORK/stop.b" --status "$WORK/status.b" --log "$WORK/log.b" \
	--ctimeout 1500 --timeout 3000 $VIP4 80 > "$WORK/out.b" 2>&1 &
CLIENTS+=($!)
# a connection dump races the unload all along
( while [ ! -e "$WORK/stop.b" ]; do nsx d "$HALBCTL" -L -n -c >/dev/null 2>&1; done ) &
CLIENTS+=($!)
short_ok() { file_word "$WORK/status.b" short_ok || echo 0; }
: > "$WORK/windows.b"
w_start=$(now_us)
refusals=0 unloaded=0 reloaded=0
for r in $(seq 1 "$RELOADS"); do
	from=$(short_ok)
	poll 30 eval '[ $(short_ok) -ge $((from + 10)) ]'
	echo "$w_start $(now_us)" >> "$WORK/windows.b"
	gone=false
	for ((try = 0; try < 20; try++)); do
		if msg=$(rmmod halb 2>&1); then gone=true; break; fi
		refusals=$((refusals + 1))
		diag "reload $r: rmmod refused: $msg"
		nap 0.5
	done
	$gone && [ ! -e /sys/module/halb ] && [ ! -e /sys/kernel/slab/halb_conn ] &&
		unloaded=$((unloaded + 1))
	nap 1
	if insmod "$KO"; then
		for t in $TIMEOUTS; do echo 2 > "$P/$t"; done
		nsx d "$HALBCTL" -R < "$WORK/rules.b" && reloaded=$((reloaded + 1))
	fi
	w_start=$(now_us)
done
from=$(short_ok)
poll 30 eval '[ $(short_ok) -ge $((from + 10)) ]'
echo "$w_start $(now_us)" >> "$WORK/windows.b"
: > "$WORK/stop.b"
for p in "${CLIENTS[@]}"; do wait "$p" 2>/dev/null; done
CLIENTS=()
check "rmmod under traffic: $unloaded of $RELOADS unloads ($refusals refused first), caches gone each time" \
	[ "$unloaded" = "$RELOADS" ]
check "insmod and the rules restored $reloaded of $RELOADS times" [ "$reloaded" = "$RELOADS" ]
# every connection that began and ended inside a window of halb loaded
# and configured must have completed
read -r checked bad <<<"$(awk '
	NR == FNR { ws[NR] = $1 * 1000; we[NR] = $2 * 1000; n = NR; next }
	{ for (i = 1; i <= n; i++) if ($1 >= ws[i] && $3 <= we[i]) {
		checked++; if ($5 != "ok") { bad++; if (bad <= 5) print "# bad: " $0 > "/dev/stderr" } } }
	END { print checked + 0, bad + 0 }' "$WORK/windows.b" "$WORK/log.b")"
cond=false
{ [ "${checked:-0}" -ge $((RELOADS * 10)) ] && [ "$bad" = 0 ]; } && cond=true
check "connections inside the loaded windows all completed ($checked checked, $bad failed)" $cond
diag "(b): $(grep '^total' "$WORK/out.b"); took $((SECONDS - start)) s"

# --- (c) 1000 real-server operations under traffic --------------------------------
start=$SECONDS
nsx d "$HALBCTL" -C
S1=$(farm_addr 1) S2=$(farm_addr 2)
nsx d "$HALBCTL" -R <<EOF || fail "(c): service"
-A -t $VIP4:80 -s wrr
-a -t $VIP4:80 -r $S1:$FARM_PORT -m -w 1
-a -t $VIP4:80 -r $S2:$FARM_PORT -m -w 1
EOF
drained() { [ "$(slab halb_conn)" = 0 ]; }
poll 30 drained
svc_stats d -t $VIP4:80
conns0=${SVC_CONNS:-0}
rm -f "$WORK/stop.c"
nsx c "$BIN/loadtool" client --workers 2 --pause 20 --size 3000 --long 4 --long-size 32768 --rate 20000 \
	--stop "$WORK/stop.c" --status "$WORK/status.c" --log "$WORK/log.c" \
	--ctimeout 10000 --timeout 10000 $VIP4 80 > "$WORK/out.c" 2>&1 &
CLIENTS+=($!)
flowing() { [ "$(file_word "$WORK/status.c" long_reqs || echo 0)" -ge 4 ] &&
	    [ "$(file_word "$WORK/status.c" short_ok || echo 0)" -ge 5 ]; }
check "traffic flows before the operations (long-lived flows on $S1, $S2)" poll 30 flowing

RANDOM=$SEED
# the farm's addresses, worked out once: a command substitution per
# operation forks, and forks are slow under TCG
FA=()
for ((j = 1; j <= POOL + 2; j++)); do FA[j]=$(farm_addr "$j"); done
declare -A W		# weight of each churned server present, by index
adds=0 edits=0 dels=0 quiet=0
: > "$WORK/windows.c"
allowed() {
	local j s="$S1 $S2"
	for j in "${!W[@]}"; do [ "${W[$j]}" -gt 0 ] && s+=" ${FA[$j]}"; done
	echo "$s"
}
t_end=$(now_us)
prev_allowed="$S1 $S2"
done_ops=0
while [ "$done_ops" -lt "$OPS" ]; do
	: > "$WORK/batch"
	for ((k = 0; k < BATCH && done_ops < OPS; k++)); do
		j=$((RANDOM % POOL + 3))
		a="-t $VIP4:80 -r ${FA[$j]}:$FARM_PORT"
		w=$((RANDOM % 4))
		if [ -z "${W[$j]+x}" ]; then
			echo "-a $a -m -w $w" >> "$WORK/batch"
			W[$j]=$w
			adds=$((adds + 1))
		elif [ $((RANDOM % 3)) = 0 ]; then
			echo "-d $a" >> "$WORK/batch"
			unset "W[$j]"
			dels=$((dels + 1))
		else
			echo "-e $a -m -w $w" >> "$WORK/batch"
			W[$j]=$w
			edits=$((edits + 1))
		fi
		done_ops=$((done_ops + 1))
	done
	t_start=$(now_us)
	# the window since the last batch: the servers allowed then
	echo "$t_end $t_start $prev_allowed" >> "$WORK/windows.c"
	if ! nsx d "$HALBCTL" -R < "$WORK/batch"; then
		fail "(c): a batch of operations was refused"
		break
	fi
	t_end=$(now_us)
	prev_allowed=$(allowed)
	nap 0.3
done
t_start=$(now_us)
echo "$t_end $t_start $prev_allowed" >> "$WORK/windows.c"
: > "$WORK/stop.c"
wait "${CLIENTS[-1]}"
crc=$?
unset 'CLIENTS[-1]'
diag "(c): $adds adds, $edits weight edits, $dels removals in $(( $(wc -l < "$WORK/windows.c") - 1 )) batches"

# the kernel's table against the model
nsx d "$HALBCTL" -S -n | grep -- '^-a' | sed -E 's/.* -r ([0-9.]+):[0-9]+ .* -w ([0-9]+).*/\1 \2/' |
	sort > "$WORK/kernel.c"
{ echo "$S1 1"; echo "$S2 1"; for j in "${!W[@]}"; do echo "${FA[$j]} ${W[$j]}"; done; } |
	sort > "$WORK/model.c"
check "the kernel's real servers and weights match the model ($(wc -l < "$WORK/model.c") servers)" \
	cmp -s "$WORK/kernel.c" "$WORK/model.c"

# no connection set up inside a quiet window reached a server not allowed then
read -r checked bad fails <<<"$(awk '
	NR == FNR { ws[NR] = $1 * 1000; we[NR] = $2 * 1000; al[NR] = " " substr($0, index($0, $3)) " "; n = NR; next }
	$5 != "ok" { fails++; if (fails <= 5) {
		w = "during a batch"
		for (i = 1; i <= n; i++) if ($1 >= ws[i] && $1 <= we[i]) w = "in quiet window " i
		print "# failed: " $0 " (began " w ")" > "/dev/stderr" } }
	{ for (i = 1; i <= n; i++) if ($1 >= ws[i] && $2 <= we[i] && $2 > 0) {
		checked++
		if (index(al[i], " " $4 " ") == 0) { bad++; if (bad <= 5) print "# not allowed: " $0 " window " i ":" al[i] > "/dev/stderr" }
		break } }
	END { print checked + 0, bad + 0, fails + 0 }' "$WORK/windows.c" "$WORK/log.c")"
cond=false
{ [ "${checked:-0}" -ge 50 ] && [ "$bad" = 0 ]; } && cond=true
check "no connection set up between batches reached a removed or weight-0 server ($checked checked, $bad did)" $cond
shorts=$(total "$(cat "$WORK/out.c")" short_ok)
cond=false
{ [ "${shorts:-0}" -gt 0 ] && [ "$fails" = 0 ] && [ "$crc" = 0 ]; } && cond=true
check "every short connection completed with every byte ($shorts ok, $fails failed)" $cond
longs=$(grep -c "^long .*server=\($S1\|$S2\) .*status=ok" "$WORK/out.c")
grep '^long ' "$WORK/out.c" | sed 's/^/# /'
lost=$(awk '/^long / { split($5, a, "="); split($6, b, "="); if (a[2] != b[2]) n++ } END { print n + 0 }' "$WORK/out.c")
cond=false
{ [ "$longs" = 4 ] && [ "$lost" = 0 ]; } && cond=true
check "the 4 long-lived flows to the untouched servers lost nothing ($longs ok, $lost short)" $cond
svc_stats d -t $VIP4:80
made=$(( $(total "$(cat "$WORK/out.c")" short_ok) + fails + 4 ))
check "halb counted every connection of the service ($((SVC_CONNS - conns0)) counted, $made made, ${SVC_DROPS:-?} packets dropped)" \
	[ $((SVC_CONNS - conns0)) = "$made" ]

# once the flows have ended and expired
poll 60 drained
check "connections expired: halb_conn empty ($(slab halb_conn))" drained
want=$(wc -l < "$WORK/model.c")
dests_ok() { [ "$(slab halb_dest)" = "$want" ] && [ "$(slab halb_service)" = 1 ]; }
poll 10 dests_ok
check "halb_dest holds the $want configured servers, no removed one ($(slab halb_dest)), halb_service 1" \
	dests_ok
nsx d "$HALBCTL" -C
poll 10 back_to_base
check "flushed: slab caches back at baseline ($(slab_all))" back_to_base
diag "(c) took $((SECONDS - start)) s"

check "module reference count is 0 ($(mod_refcnt))" [ "$(mod_refcnt)" = 0 ]
check "rmmod halb at the end" rmmod halb
cond=false
{ [ ! -e /sys/kernel/slab/halb_conn ] && [ ! -e /sys/kernel/slab/halb_dest ] &&
	[ ! -e /sys/kernel/slab/halb_service ]; } && cond=true
check "halb's slab caches are gone" $cond
check "kernel log clean after churn" dmesg_clean
[ "$ktap_fail" = 0 ]
