# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Interoperation with Debian's keepalived in the same VRID, sourced by
# run: n1 runs halbd, n2 runs keepalived, both from the same config text.
# Both directions (halbd master / keepalived backup and the reverse), for
# VRRPv2 IPv4, VRRPv3 IPv4 and VRRPv3 IPv6; then VRRPv2 with auth_type AH,
# both directions and with a key that differs.

# kconf FILE PRIO STATE VERSION VIP ADVERT [AUTH_TYPE [AUTH_PASS]]
kconf() {
	local auth=""
	[ "$4" = 2 ] && auth="    authentication {
        auth_type ${7:-PASS}
        auth_pass ${8:-1111}
    }"
	cat > "$1" <<EOF
global_defs {
    router_id $(basename "$1" .conf)
    vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
    state $3
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int $6
    version $4
$auth
    virtual_ipaddress {
        $5
    }
}
EOF
}

drops_zero() {	# drops_zero NODE: halbd dropped none of the peer's adverts
	[ "$(q "$1" "sum(i['VI_1']['drops'].values())")" = 0 ]
}

interop_case() {	# interop_case VERSION FAMILY VIP ADVERT
	local v=$1 fam=$2 vip=$3 adv=$4 tag="interop v$1 $2" t0 t rc adv_ms
	adv_ms=$(awk "BEGIN { print int($adv * 1000) }")
	local master_addr=192.0.2.2
	[ "$fam" = inet6 ] && master_addr=$(ip -n "$(ns n2)" -6 addr show dev eth0 scope link |
					    awk '/inet6/ {sub("/.*", "", $2); print $2}')

	: > "$dir/n2.klog"
	kconf "$dir/i-halbd.conf" 150 MASTER "$v" "$vip" "$adv"
	kconf "$dir/i-keep.conf" 100 BACKUP "$v" "$vip" "$adv"
	start_halbd n1 "$dir/i-halbd.conf"
	start_keepalived n2 "$dir/i-keep.conf"
	busywait 8000 eval "state_is n1 VI_1 MASTER && has_vip n1 $vip" &&
		busywait 5000 grep -q "Entering BACKUP STATE" "$dir/n2.klog" &&
		holds 2000 eval "no_vip n2 $vip && state_is n1 VI_1 MASTER"
	ktap_result $? "$tag: halbd (150) master, keepalived (100) backup"

	t0=$(now_ms)
	p1=$(halbd_pid n1)
	kill -TERM "$p1"
	busywait 4000 has_vip n2 "$vip"
	rc=$?
	t=$(($(now_ms) - t0))
	reap "$p1"
	pid_n1=
	ktap_result $rc "$tag: keepalived takes over $t ms after halbd's SIGTERM (priority 0 honoured)"

	if [ "$fam" = inet6 ]; then
		: > "$dir/na.err"
		ip netns exec "$(ns br)" tcpdump -i br0 -n -e -l -v 'icmp6 and ip6[40] == 136' \
			> "$dir/na.txt" 2> "$dir/na.err" &
		na_pid=$!
		pids+=("$na_pid")
		busywait 3000 grep -q listening "$dir/na.err"
	fi
	start_halbd n1 "$dir/i-halbd.conf"
	busywait 8000 eval "has_vip n1 $vip && no_vip n2 $vip && state_is n1 VI_1 MASTER"
	ktap_result $? "$tag: halbd preempts keepalived (keepalived accepts halbd's adverts)"
	if [ "$fam" = inet6 ]; then
		local mac
		mac=$(ip -n "$(ns n1)" link show eth0 | awk '/link\/ether/ {print $2}')
		busywait 3000 eval "grep -A3 '^[0-9:.]* $mac > 33:33:00:00:00:01' '$dir/na.txt' |
			grep -q 'neighbor advertisement.*tgt is $vip.*' &&
			grep -A3 '$mac > 33:33:00:00:00:01' '$dir/na.txt' | grep -q 'Flags \[override\]' &&
			grep -q 'hlim 255' '$dir/na.txt'"
		rc=$?
		kill "$na_pid" 2> /dev/null
		[ $rc = 0 ] || sed 's/^/# /' "$dir/na.txt" | head -12
		ktap_result $rc "$tag: halbd sent unsolicited NA (override, hop limit 255) for $vip"
	fi
	stop_halbd n1
	stop_keepalived n2

	: > "$dir/n2.klog"
	kconf "$dir/i-keep.conf" 200 MASTER "$v" "$vip" "$adv"
	kconf "$dir/i-halbd.conf" 150 BACKUP "$v" "$vip" "$adv"
	start_keepalived n2 "$dir/i-keep.conf"
	busywait 8000 has_vip n2 "$vip"
	start_halbd n1 "$dir/i-halbd.conf"
	busywait 5000 eval "[ \"\$(q n1 \"i['VI_1']['adverts_received']\")\" -gt 1 ]" &&
		holds 2000 eval "state_is n1 VI_1 BACKUP && no_vip n1 $vip && has_vip n2 $vip" &&
		[ "$(q n1 "i['VI_1']['master']")" = "$master_addr" ] && drops_zero n1
	rc=$?
	[ $rc = 0 ] || ctl n1 | sed 's/^/# /'
	ktap_result $rc "$tag: keepalived (200) master, halbd (150) backup, none of its adverts dropped"

	t0=$(now_rt_ms)
	p2=$kpid_n2
	kill -TERM "$p2"
	busywait 5000 eval "has_vip n1 $vip"
	rc=$?
	t=$(($(entered_master_ms n1 VI_1) - t0))
	reap "$p2"
	kpid_n2=
	# halbd at 150 after keepalived's priority 0: Skew_Time = 106 * advert / 256
	log "$tag: halbd entered MASTER $t ms after keepalived's SIGTERM"
	[ $rc = 0 ] && within "$t" $((106 * adv_ms / 256 - 50)) $((106 * adv_ms / 256 + 400))
	ktap_result $? "$tag: halbd takes over $t ms after keepalived's SIGTERM (Skew $((106 * adv_ms / 256)))"
	stop_halbd n1
	stop_keepalived n2
}

# AH: keepalived, like halbd, ignores "state MASTER" with AH and starts as
# backup, so each side becomes master through Master_Down (3.6 s).
kah_invalid() {	# kah_invalid: keepalived's log has rejected an ICV of ours
	grep -q "IPSEC-AH : invalid IPSEC HMAC-MD5 value" "$dir/n2.klog"
}

interop_ah() {
	# quoted, so the '!' is part of the key for both (unquoted, both would
	# read a comment there and use "Ah-k3y")
	local tag="interop v2 AH" key='"Ah-k3y!"' t0 t rc p1 p2 n
	: > "$dir/n2.klog"
	kconf "$dir/i-halbd.conf" 150 MASTER 2 192.0.2.100 1 AH "$key"
	kconf "$dir/i-keep.conf" 100 BACKUP 2 192.0.2.100 1 AH "$key"
	start_halbd n1 "$dir/i-halbd.conf"
	start_keepalived n2 "$dir/i-keep.conf"
	busywait 10000 eval "state_is n1 VI_1 MASTER && has_vip n1 192.0.2.100" &&
		busywait 5000 grep -q "Entering BACKUP STATE" "$dir/n2.klog" &&
		holds 3000 eval "no_vip n2 192.0.2.100 && state_is n1 VI_1 MASTER" && ! kah_invalid
	rc=$?
	[ $rc = 0 ] || grep -v "gratuitous ARP" "$dir/n2.klog" | tail -8 | sed 's/^/# /'
	ktap_result $rc "$tag: halbd (150) master, keepalived (100) backup accepting its AH adverts"

	t0=$(now_ms)
	p1=$(halbd_pid n1)
	kill -TERM "$p1"
	busywait 4000 has_vip n2 192.0.2.100
	rc=$?
	t=$(($(now_ms) - t0))
	reap "$p1"
	pid_n1=
	grep -q "(VI_1) Backup received priority 0 advertisement" "$dir/n2.klog"
	ktap_result $((rc + $?)) "$tag: keepalived takes over $t ms after halbd's SIGTERM (authenticated priority 0)"

	# halbd restarts with sequence number 0, keepalived is far above: halbd
	# must learn keepalived's number from its adverts before preempting
	start_halbd n1 "$dir/i-halbd.conf"
	busywait 8000 eval "has_vip n1 192.0.2.100 && no_vip n2 192.0.2.100 && state_is n1 VI_1 MASTER" &&
		grep -q "(VI_1) Master received advert from 192.0.2.1 with higher priority 150" "$dir/n2.klog" &&
		drops_zero n1 && ! kah_invalid && ! grep -q "IPSEC-AH : sequence number" "$dir/n2.klog"
	rc=$?
	[ $rc = 0 ] || { ctl n1; grep -v "gratuitous ARP" "$dir/n2.klog" | tail -8; } | sed 's/^/# /'
	ktap_result $rc "$tag: restarted halbd continues keepalived's sequence numbers and preempts it"
	stop_halbd n1
	stop_keepalived n2

	: > "$dir/n2.klog"
	kconf "$dir/i-keep.conf" 200 MASTER 2 192.0.2.100 1 AH "$key"
	kconf "$dir/i-halbd.conf" 150 BACKUP 2 192.0.2.100 1 AH "$key"
	start_keepalived n2 "$dir/i-keep.conf"
	busywait 8000 has_vip n2 192.0.2.100
	start_halbd n1 "$dir/i-halbd.conf"
	busywait 5000 eval "[ \"\$(q n1 \"i['VI_1']['adverts_received']\")\" -gt 1 ]" &&
		holds 2000 eval "state_is n1 VI_1 BACKUP && no_vip n1 192.0.2.100 && has_vip n2 192.0.2.100" &&
		[ "$(q n1 "i['VI_1']['master']")" = 192.0.2.2 ] && drops_zero n1
	rc=$?
	[ $rc = 0 ] || ctl n1 | sed 's/^/# /'
	ktap_result $rc "$tag: keepalived (200) master, halbd (150) backup, every AH advert of keepalived verified"

	t0=$(now_rt_ms)
	p2=$kpid_n2
	kill -TERM "$p2"
	busywait 5000 has_vip n1 192.0.2.100
	rc=$?
	t=$(($(entered_master_ms n1 VI_1) - t0))
	reap "$p2"
	kpid_n2=
	log "$tag: halbd entered MASTER $t ms after keepalived's SIGTERM"
	[ $rc = 0 ] && within "$t" 364 814
	ktap_result $? "$tag: halbd takes over $t ms after keepalived's SIGTERM (Skew 414)"
	stop_halbd n1

	# another key on each side: every advert dropped and counted, by both.
	# Measured: keepalived as master sends an advert only when a second
	# passes without any packet arriving, bad ones included, so against
	# halbd's adverts it sends one now and then; its priority 0 at SIGTERM
	# is one more that halbd must drop.
	: > "$dir/n2.klog"
	kconf "$dir/i-keep.conf" 200 BACKUP 2 192.0.2.100 1 AH '"Ah-k3y?"'
	kconf "$dir/i-halbd.conf" 150 BACKUP 2 192.0.2.100 1 AH "$key"
	start_keepalived n2 "$dir/i-keep.conf"
	start_halbd n1 "$dir/i-halbd.conf"
	busywait 10000 eval "has_vip n2 192.0.2.100 && state_is n1 VI_1 MASTER" &&
		busywait 5000 eval "[ \"\$(q n1 \"i['VI_1']['drops']['ah_icv']\")\" -ge 1 ]" &&
		busywait 3000 kah_invalid
	rc=$?
	n=$(q n1 "i['VI_1']['drops']['ah_icv']")
	p2=$kpid_n2
	kill -TERM "$p2"
	busywait 3000 eval "[ \"\$(q n1 \"i['VI_1']['drops']['ah_icv']\")\" -gt ${n:-0} ]" &&
		[ "$(q n1 "i['VI_1']['adverts_received']")" = 0 ] && state_is n1 VI_1 MASTER
	rc=$((rc + $?))
	reap "$p2"
	kpid_n2=
	[ $rc = 0 ] || { ctl n1; grep -v "gratuitous ARP" "$dir/n2.klog" | tail -8; } | sed 's/^/# /'
	log "$tag: ah_icv drops at halbd: $(q n1 "i['VI_1']['drops']['ah_icv']"); keepalived: $(grep -c "IPSEC-AH : invalid" "$dir/n2.klog") invalid"
	ktap_result $rc "$tag: a different auth_pass, each side drops the other's adverts, keepalived's priority 0 too (halbd counts ah_icv)"
	grep -q "(VI_1) dropped advert from 192.0.2.2: ah_icv" "$dir/n1.log"
	ktap_result $? "$tag: halbd logged the first ah_icv drop naming the sender"
	stop_halbd n1
	stop_keepalived n2
}

if command -v keepalived > /dev/null; then
	interop_case 2 inet 192.0.2.100 1
	interop_case 3 inet 192.0.2.100 0.5
	interop_case 3 inet6 2001:db8::100 0.5
	interop_ah
else
	ktap_skip "interop with keepalived" "keepalived not installed"
fi
