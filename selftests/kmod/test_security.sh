#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may use the halb family, and what each namespace sees.  Every
# command, GET included, needs CAP_NET_ADMIN over the network namespace
# (include/uapi/linux/halb.h, "Permissions"), held by the process that
# opened the netlink socket and by the one sending on it; each namespace
# sees and changes only its own tables.
#
#   client c ------------ director d ------------ farm f
#   198.51.100.2          VIP 203.0.113.1:80 NAT   192.0.2.11, .12 :8000
#                         (live traffic from c)
#   container x (root's): the same key 203.0.113.1:80 -> 192.0.2.99:8000
#   scratch p: a capable user that is not root runs every command there
#   init netns: sentinel 192.0.2.250:80 -> 192.0.2.251:80
#
#   nobody's container (loadtool userns --net: a user namespace of its own
#   and a network namespace it owns, u), with two more network namespaces
#   it makes itself:
#     u-client 198.51.100.2 ---- u: VIP 203.0.113.1:80 NAT ---- u-rs 192.0.2.11:8000
#
# Beyond test_control (nobody listing and adding) and test_fuzz (a user
# namespace fuzzing its own namespace, refused everywhere else), this
# checks each command one by one and under several identities, a socket
# opened by one identity and used by another, and an unprivileged
# container that runs a whole load balancer with traffic.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/stress_lib.sh"

SENT=192.0.2.250
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
for t in setpriv unshare nsenter; do
	command -v $t >/dev/null || { skip "security tests" "no $t (util-linux)"; exit 4; }
done

dmesg_mark
light_topo 2 || { fail "topology"; exit 1; }
load_halb || { fail "load halb.ko"; exit 1; }
make_pub_bin
nsx d "$HALBCTL" -R <<EOF || fail "director's service"
-A -t $VIP4:80 -s rr
-a -t $VIP4:80 -r $(farm_addr 1):$FARM_PORT -m
-a -t $VIP4:80 -r $(farm_addr 2):$FARM_PORT -m
EOF
"$HALBCTL" -A -t $SENT:80 -s wlc && "$HALBCTL" -a -t $SENT:80 -r 192.0.2.251:80 -m ||
	fail "init-netns sentinel"
check "the farm answers" poll 20 farm_up
# a long-lived flow keeps an entry in d all along
nsx c "$BIN/loadtool" client --workers 0 --count 0 --long 1 --long-size 20000 --rate 20000 \
	--stop "$WORK/stop" --status "$WORK/status" $VIP4 80 > "$WORK/long.out" 2>&1 &
LONG=$!
out=$(nsx c "$BIN/loadtool" client --count 6 --workers 2 $VIP4 80)
check "traffic through d ($(grep -o 'short_ok=[0-9]*' <<<"$out"))" grep -q 'short_ok=6 ' <<<"$out"

# snapshot NS: rules and counters of a namespace, as root
snapshot() { nsx "$1" "$HALBCTL" -S -n; svc_stats "$1" -t $VIP4:80; echo "conns=$SVC_CONNS"; }
snapshot d > "$WORK/d.before"
"$HALBCTL" -S -n > "$WORK/init.before"

# perm NAME WANT CMD...: nlprobe --perm WANT run by CMD; one result line.
# Its output is read with builtins: every process started is slow here.
perm() {
	local name=$1 want=$2 out line n=0 bad=0 verb="are EPERM"
	shift 2
	[ "$want" = ok ] && verb=succeed
	out=$("$@" 2>&1)
	while IFS= read -r line; do
		case $line in
		"ok "*) n=$((n + 1)) ;;
		"not ok"*) bad=$((bad + 1)); echo "# $line" ;;
		nlprobe:*) echo "# $line" ;;
		esac
	done <<<"$out"
	cond=false
	{ [ "$n" = 13 ] && [ "$bad" = 0 ]; } && cond=true
	check "$name: all 13 commands $verb ($n of 13)" $cond
}

# --- identities ----------------------------------------------------------------
perm "nobody without capabilities, in d" eperm \
	nsx d "${NOBODY[@]}" --inh-caps=-all --bounding-set=-all "$PUB_BIN/nlprobe" --perm eperm
perm "root without CAP_NET_ADMIN (CAP_SYS_ADMIN kept), in d" eperm \
	nsx d setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$PUB_BIN/nlprobe" --perm eperm
ip netns add "$NS_PREFIX-p"
perm "nobody with CAP_NET_ADMIN alone, in scratch namespace p" ok \
	nsx p "${NOBODY[@]}" --inh-caps=+net_admin --ambient-caps=+net_admin \
	"$PUB_BIN/nlprobe" --perm ok
perm "socket opened by root, used after dropping to nobody" eperm \
	"$PUB_BIN/nlprobe" --perm eperm --pre-open drop
perm "socket opened by root, used as root of a new user namespace" eperm \
	"$PUB_BIN/nlprobe" --perm eperm --pre-open userns
perm "socket opened without capabilities, used with them" eperm \
	"$PUB_BIN/nlprobe" --perm eperm --pre-open unpriv-opener
snapshot d > "$WORK/d.after"
"$HALBCTL" -S -n > "$WORK/init.after"
cond=false
{ cmp -s "$WORK/d.before" "$WORK/d.after" && cmp -s "$WORK/init.before" "$WORK/init.after"; } && cond=true
check "refused requests changed nothing: d's rules and counters, init's rules" $cond
diff "$WORK/d.before" "$WORK/d.after" | sed 's/^/# /'

# --- a container namespace of root's sees only its own ------------------------------
ip netns add "$NS_PREFIX-x"
out=$(nsx x "$HALBCTL" -A -t $VIP4:80 -s rr 2>&1 && nsx x "$HALBCTL" -a -t $VIP4:80 -r 192.0.2.99:$FARM_PORT -m 2>&1)
check "container x adds the key d also has ($VIP4:80) ${out:+($out)}" [ -z "$out" ]
out=$(nsx x "$HALBCTL" -S -n)
cond=false
{ [ "$(grep -c . <<<"$out")" = 2 ] && grep -q -- "-r 192.0.2.99:$FARM_PORT" <<<"$out"; } && cond=true
check "x lists its own service and server only" $cond
info x
cond=false
{ [ "$(info_num num_services)" = 1 ] && [ "$(info_num conn_count)" = 0 ]; } && cond=true
check "x's counts are its own: $(info_num num_services) service, $(info_num conn_count) entries (d has traffic)" $cond
out=$(nsx x "$HALBCTL" -L -n -c | grep -c "$VIP4")
check "x's connection listing is empty ($out entries)" [ "$out" = 0 ]
nsx x "$HALBCTL" -Z && nsx x "$HALBCTL" -C
snapshot d > "$WORK/d.after2"
grep -v '^conns=' "$WORK/d.before" > "$WORK/d.rules.before"
grep -v '^conns=' "$WORK/d.after2" > "$WORK/d.rules.after"
c_before=$(sed -n 's/^conns=//p' "$WORK/d.before") c_after=$(sed -n 's/^conns=//p' "$WORK/d.after2")
cond=false
{ cmp -s "$WORK/d.rules.before" "$WORK/d.rules.after" && [ "${c_after:-0}" -ge "${c_before:-1}" ]; } && cond=true
check "zero and flush in x leave d alone (rules same, conns counter $c_before -> $c_after)" $cond
out=$("$HALBCTL" -S -n)
cond=false
{ [ "$(grep -c . <<<"$out")" = 2 ] && grep -q "$SENT:80" <<<"$out"; } && cond=true
check "the init namespace lists its sentinel only" $cond

# --- nobody's container -------------------------------------------------------------
cat > "$PUB_BIN/container.sh" <<'EOF'
#!/bin/bash
# run as root of nobody's user namespace, in a network namespace it owns
halbctl=$1 lt=$2
say() { echo "RESULT $*"; }
ip link set lo up
say "uid=$(id -u) outside=$(awk '{print $2}' /proc/self/uid_map)"
say "services_seen=$("$halbctl" -L -n | grep -cE '^(TCP|UDP) ')"
say "conns_seen=$("$halbctl" -L -n -c | grep -cE '^(TCP|UDP) ')"
if { echo 5 > /sys/module/halb/parameters/conn_max; } 2>/dev/null; then say "param_write=yes"; else say "param_write=no"; fi
if nsenter --net=/proc/1/ns/net true 2>/dev/null; then say "enter_init=yes"; else say "enter_init=no"; fi
# two more namespaces of its own: a client and a real server
unshare -n sleep 600 & cpid=$!
unshare -n sleep 600 & rpid=$!
for p in $cpid $rpid; do until [ "$(readlink /proc/$p/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do :; done; done
# one "ip -batch" a namespace: every process started is slow here
ip -b - <<EOB
link add eth0 type veth peer name eth0 netns $cpid
link add eth1 type veth peer name eth0 netns $rpid
addr add 203.0.113.1/32 dev lo
addr add 198.51.100.1/24 dev eth0
addr add 192.0.2.1/24 dev eth1
link set eth0 up
link set eth1 up
EOB
echo 1 > /proc/sys/net/ipv4/ip_forward
nsenter -t $cpid -n ip -b - <<EOB
link set lo up
addr add 198.51.100.2/24 dev eth0
link set eth0 up
route add default via 198.51.100.1
EOB
nsenter -t $rpid -n ip -b - <<EOB
link set lo up
addr add 192.0.2.11/24 dev eth0
link set eth0 up
route add default via 192.0.2.1
EOB
nsenter -t $rpid -n "$lt" server 8000 & spid=$!
for i in $(seq 1 100); do "$lt" client --count 1 --ctimeout 500 192.0.2.11 8000 >/dev/null && break; done
"$halbctl" -A -t 203.0.113.1:80 -s rr && "$halbctl" -a -t 203.0.113.1:80 -r 192.0.2.11:8000 -m &&
	say "configured=yes"
say "services_now=$("$halbctl" -L -n | grep -cE '^(TCP|UDP) ')"
say "traffic=$(nsenter -t $cpid -n "$lt" client --count 10 --workers 2 203.0.113.1 80 | grep -o 'short_ok=[0-9]*')"
say "entries=$("$halbctl" -L -n -c | grep -c '203.0.113.1:80')"
say "info=$("$halbctl" -L -n -j | grep -oE '"(num_services|conn_count)": [0-9]+' | tr -d '" ' | tr '\n' ,)"
kill $spid $cpid $rpid
EOF
chmod 755 "$PUB_BIN/container.sh"
out=$("$PUB_BIN/loadtool" userns --net -- bash "$PUB_BIN/container.sh" "$HALBCTL" "$PUB_BIN/loadtool" 2>&1)
grep -v '^RESULT' <<<"$out" | head -n 20 | sed 's/^/# /'
res() { sed -n "s/^RESULT .*$1=\([^ ]*\).*/\1/p" <<<"$out" | head -n1; }
if [ "$(res uid)" != 0 ]; then
	fail "nobody's container: could not make a user namespace ($(head -n1 <<<"$out"))"
else
	check "nobody's container is root inside (uid $(res uid), $(res outside) outside)" \
		[ "$(res outside)" = 65534 ]
	cond=false
	{ [ "$(res services_seen)" = 0 ] && [ "$(res conns_seen)" = 0 ]; } && cond=true
	check "it sees no service and no connection of any other namespace ($(res services_seen), $(res conns_seen))" $cond
	check "it cannot change the module's parameters" [ "$(res param_write)" = no ]
	check "it cannot enter the init network namespace" [ "$(res enter_init)" = no ]
	cond=false
	{ [ "$(res configured)" = yes ] && [ "$(res services_now)" = 1 ]; } && cond=true
	check "it configures its own director (services listed: $(res services_now))" $cond
	cond=false
	{ [ "$(res traffic)" = short_ok=10 ] && [ "$(res entries)" -gt 0 ]; } && cond=true
	check "its clients are balanced through it ($(res traffic), $(res entries) entries listed)" $cond
	check "its counts are its own ($(res info))" \
		[ "$(res info)" = "conn_count:$(res entries),num_services:1," ]
fi
snapshot d > "$WORK/d.after3"
"$HALBCTL" -S -n > "$WORK/init.after3"
cond=false
{ cmp -s "$WORK/d.after2" "$WORK/d.after3" && cmp -s "$WORK/init.after" "$WORK/init.after3"; } && cond=true
check "d's and init's rules untouched by the container" $cond

: > "$WORK/stop"
wait $LONG
check "the long-lived flow through d went on throughout (rc $?)" \
	grep -qE '^long 0 .*reqs=[1-9].* status=ok' "$WORK/long.out"
"$HALBCTL" -D -t $SENT:80
check "kernel log clean after the security tests" dmesg_clean
[ "$ktap_fail" = 0 ]
