#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# halb's control plane and lifecycle: malformed requests, permissions,
# changes under traffic, namespace deletion and rmmod with live connections.
# Topology: see lib.sh (NAT from client c).
. "$(dirname "$0")/lib.sh"

topo_up 3
dmesg_mark
load_halb || { fail "load halb.ko"; exit 1; }
SLAB=/sys/kernel/slab/halb_conn
# objects in use; a shrink first, since a KASAN kernel holds freed objects
# in its quarantine (counted as in use) until the cache is shrunk
slab_objects() {
	echo 1 > "$SLAB/shrink" 2>/dev/null
	awk '{print $1}' "$SLAB/objects" 2>/dev/null || echo 0
}

# --- malformed requests: errno, extack, tables unchanged ------------------
nsx d "$BIN/nlprobe" | sed -u 's/^\(not \)\?ok [0-9]* /&/'

# --- permissions ------------------------------------------------------------
adm halb -A -t $VIP4:80 -s rr
out=$(nsx d setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$HALBCTL" -Ln 2>&1)
rc=$?
check "listing without CAP_NET_ADMIN is refused (rc $rc: $out)" \
	[ "$rc" != 0 -a -n "$(grep -i 'not permitted' <<<"$out")" ]
nsx d setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$HALBCTL" -A -t $VIP4:81 -s rr 2>/dev/null
check "adding a service without CAP_NET_ADMIN is refused" \
	[ -z "$(adm halb -Ln | grep -F "$VIP4:81")" ]
out=$(ip netns exec "$NS_PREFIX-c" "$HALBCTL" -Ln)
check "another namespace does not see the director's services" \
	[ -z "$(grep -F "$VIP4" <<<"$out")" ]

# --- real servers added, edited and removed under traffic --------------------
adm halb -a -t $VIP4:80 -r "$(rs_ip4 1):80" -m -w 1
adm halb -a -t $VIP4:80 -r "$(rs_ip4 2):80" -m -w 1
http_hits "http://$VIP4/" 60 > "$WORK/churn.out" &
traffic=$!
sleep 1
adm halb -a -t $VIP4:80 -r "$(rs_ip4 3):80" -m -w 2
adm halb -e -t $VIP4:80 -r "$(rs_ip4 1):80" -m -w 0
adm halb -d -t $VIP4:80 -r "$(rs_ip4 2):80"
wait $traffic
n=$(grep -c '^rs[123]$' "$WORK/churn.out")
check "60 requests during add/edit/remove all answered (got $n)" [ "$n" = 60 ]
got=$(http_hits "http://$VIP4/" 6 | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
check "afterwards only rs3 gets new connections (rs1 weight 0, rs2 removed): $got" \
	[ "$got" = "rs3=6 " ]
out=$(adm halb -L -n)
check "listing shows rs1 quiesced and rs2 gone" \
	[ -n "$(grep -E "$(rs_ip4 1):80 +Masq +0 " <<<"$out")" -a -z "$(grep -F "$(rs_ip4 2):80" <<<"$out")" ]
conns=$(adm halb -L -n -c | grep -c ESTABLISHED\\\|TIME_WAIT\\\|FIN_WAIT\\\|CLOSE)
check "connection listing shows the entries of the traffic ($conns)" [ "$conns" -gt 0 ]

# --- a client reusing its source port gets a fresh choice ---------------------
# The server closes first, so the client may reuse the port at once while the
# director still holds the old entry in TIME_WAIT.
first=$(nsx c curl -s --max-time 10 --local-port 40000 -H 'Connection: close' "http://$VIP4/")
adm halb -e -t $VIP4:80 -r "$(rs_ip4 3):80" -m -w 0
adm halb -e -t $VIP4:80 -r "$(rs_ip4 1):80" -m -w 1
busywait 10000 sh -c "ip netns exec $NS_PREFIX-d $HALBCTL -L -n -c | grep -q ':40000 .*TIME_WAIT\|CLOSE'"
second=$(nsx c curl -s --max-time 10 --local-port 40000 -H 'Connection: close' "http://$VIP4/")
check "source port reused after TIME_WAIT goes to a live server ($first, then $second)" \
	[ "$first" = rs3 -a "$second" = rs1 ]
adm halb -e -t $VIP4:80 -r "$(rs_ip4 3):80" -m -w 2
adm halb -e -t $VIP4:80 -r "$(rs_ip4 1):80" -m -w 0

# --- dumps larger than one message resume where they stopped -----------------
for i in $(seq 1 400); do echo "-A -u 198.51.100.$((i % 200 + 10)):$((1000 + i)) -s rr"; done > "$WORK/rules"
nsx d "$HALBCTL" -R < "$WORK/rules"
n=$(adm halb -L -n | grep -c '^UDP ')
check "a dump of 400 services returns all 400 (got $n)" [ "$n" = 400 ]
n=$(adm halb -L -n -j | grep -o '"protocol"' | wc -l)
check "the JSON listing has them all too (got $n)" [ "$n" -ge 400 ]
for i in $(seq 1 400); do echo "-D -u 198.51.100.$((i % 200 + 10)):$((1000 + i))"; done > "$WORK/rules"
nsx d "$HALBCTL" -R < "$WORK/rules"

# --- halbctl -R: batches, and what a failing line leaves ---------------------
# 300 services x 2 real servers in batches of 128 requests: all there
for i in $(seq 1 300); do
	s=198.51.100.$((i % 200 + 10)):$((3000 + i))
	echo "-A -t $s -s wrr"
	echo "-a -t $s -r 192.0.2.$((i % 250 + 1)):80 -m -w 2"
	echo "-a -t $s -r 192.0.2.$((i % 250 + 1)):81 -m -w 3"
done > "$WORK/rules"
nsx d "$HALBCTL" -R < "$WORK/rules"
rc=$?
n=$(adm halb -L -n | awk '/^(TCP|UDP|FWM)/ { in_set = $2 ~ /^198\.51\.100\./ } in_set && /^  -> / { n++ } END { print n + 0 }')
check "a batched restore of 300 services x 2 servers (rc $rc): all 600 there (got $n)" \
	[ "$rc" = 0 -a "$n" = 600 ]
for i in $(seq 1 300); do echo "-D -t 198.51.100.$((i % 200 + 10)):$((3000 + i))"; done > "$WORK/rules"
nsx d "$HALBCTL" -R < "$WORK/rules"
# the services of these cases: 203.0.113.7 ports 1-6
count7() { adm halb -L -n | grep -c '^TCP  203.0.113.7:'; }
del7() { local p; for p in 1 2 3 4 5 6; do adm halb -D -t 203.0.113.7:$p 2>/dev/null; done; }
# a line that does not parse, at the end: nothing at all is applied
printf -- '-A -t 203.0.113.7:1 -s rr\n-A -t 203.0.113.7:2 -s rr\n-A -t 203.0.113.7:99999 -s rr\n' \
	> "$WORK/rules"
err=$(nsx d "$HALBCTL" -R < "$WORK/rules" 2>&1)
rc=$?
n=$(count7)
check "a restore whose line 3 does not parse exits 2, names line 3, applies nothing ($err)" \
	[ "$rc" = 2 -a "$n" = 0 ] && grep -q 'line 3:' <<<"$err"
# line 3 refused by the kernel (the service exists): lines 1-2 stay; in a
# batch, lines 4-6 went with it and are applied, and the report says so
printf -- '-A -t 203.0.113.7:%s -s rr\n' 1 2 1 4 5 6 > "$WORK/rules"
err=$(nsx d "$HALBCTL" -R < "$WORK/rules" 2>&1)
rc=$?
n=$(count7)
check "batched: line 3 refused, exit 1, 5 services, lines 4 to 6 named as applied ($err)" \
	[ "$rc" = 1 -a "$n" = 5 ] && grep -q 'line 3:' <<<"$err" &&
	grep -q '3 lines from 4 to 6' <<<"$err"
del7
err=$(nsx d "$HALBCTL" -R --no-batch < "$WORK/rules" 2>&1)
rc=$?
n=$(count7)
check "--no-batch: line 3 refused, exit 1, only lines 1-2 applied ($err)" \
	[ "$rc" = 1 -a "$n" = 2 ] && grep -q 'line 3:' <<<"$err"
del7

# --- tunables under sysfs ----------------------------------------------------
P=/sys/module/halb/parameters
check "tcp_timeout_close defaults to 10 s" [ "$(cat $P/tcp_timeout_close)" = 10 ]
echo 5 > $P/tcp_timeout_close
check "tcp_timeout_close is writable at run time" [ "$(cat $P/tcp_timeout_close)" = 5 ]
echo 0 > $P/tcp_timeout_close 2>/dev/null
check "a timeout of 0 is refused and the old value kept" [ "$(cat $P/tcp_timeout_close)" = 5 ]
echo 10 > $P/tcp_timeout_close
echo 99 > $P/conn_tab_bits 2>/dev/null
check "conn_tab_bits out of range is refused" [ "$(cat $P/conn_tab_bits)" = 16 ]

# --- the connection limit: new connections refused and counted --------------
json_num() { adm halb -L -n -j | grep -o "\"$1\": [0-9]*" | head -n1 | awk '{print $2}'; }
adm halb -A -u $VIP4:53 -s rr
adm halb -a -u $VIP4:53 -r "$(rs_ip4 3):53" -m
live=$(json_num conn_count)
refused=$(json_num conn_refused)
echo $((live + 2)) > $P/conn_max
got=$(nsx c "$BIN/udptool" client $VIP4 53 4 | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
# entries of the earlier tests may expire meanwhile and make a little more
# room, so: at least 2 pass, and at least one is refused
pass=$(grep -o 'rs3=[0-9]*' <<<"$got" | cut -d= -f2)
tmo=$(grep -o 'timeout=[0-9]*' <<<"$got" | cut -d= -f2)
check "with room for 2 more connections, 4 new UDP flows: 2 pass, the rest are refused: $got" \
	[ "${pass:-0}" -ge 2 ] && [ "${tmo:-0}" -ge 1 ] && [ $((${pass:-0} + ${tmo:-0})) = 4 ]
now=$(json_num conn_refused)
check "refused connections are counted ($refused -> $now)" [ "$now" -ge $((refused + 2)) ]
echo 1048576 > $P/conn_max
got=$(nsx c "$BIN/udptool" client $VIP4 53 2 | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
check "raising the limit lets new flows in again: $got" [ "$got" = "rs3=2 " ]
adm halb -D -u $VIP4:53

# --- deleting a namespace that holds services and connections ----------------
base=$(slab_objects)
ip netns add "$NS_PREFIX-x"
nsx x ip link set lo up
nsx x ip addr add 192.0.2.200/32 dev lo
nsx x ip addr add 192.0.2.201/32 dev lo
nsx x "$HALBCTL" -A -u 192.0.2.200:53 -s rr
nsx x "$HALBCTL" -a -u 192.0.2.200:53 -r 192.0.2.201:53 -m
nsx x "$BIN/udptool" server 53 x &
nsx x "$BIN/udptool" client 192.0.2.200 53 20 >/dev/null
during=$(slab_objects)
ip netns pids "$NS_PREFIX-x" | xargs -r kill
busywait 5000 sh -c "[ -z \"\$(ip netns pids $NS_PREFIX-x)\" ]"
ip netns del "$NS_PREFIX-x"
check "namespace teardown frees its connections (slab $base -> $during -> back)" \
	busywait 30000 sh -c "echo 1 > $SLAB/shrink; [ \$(awk '{print \$1}' $SLAB/objects) -le $base ]"

# --- rmmod while connections are open ----------------------------------------
nsx rs1 socat TCP-LISTEN:7000,reuseaddr,fork EXEC:cat &
adm halb -A -t $VIP4:7000 -s rr
adm halb -a -t $VIP4:7000 -r "$(rs_ip4 1):7000" -m
busywait 5000 nsx rs1 sh -c 'ss -ltn | grep -q :7000'
mkfifo "$WORK/hold"
nsx c socat -u "PIPE:$WORK/hold" TCP:$VIP4:7000 &
exec 9>"$WORK/hold"
echo hello >&9
check "a long-lived connection is open through halb" \
	busywait 5000 sh -c "ip netns exec $NS_PREFIX-d $HALBCTL -L -n -c | grep -q ':7000'"
check "rmmod halb with live connections" rmmod halb
exec 9>&-
check "halb_conn slab cache is gone after rmmod" [ ! -e "$SLAB" ]
check "halb module is gone" [ -z "$(lsmod | grep '^halb ')" ]
check "kernel log clean after control tests" dmesg_clean
[ "$ktap_fail" = 0 ]
