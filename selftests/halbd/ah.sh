# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# VRRPv2 with auth_type AH between halbd nodes, sourced by run: n1 (150)
# and n2 (100) in VRID 51 with VIP 192.0.2.100, x crafting AH packets.
#
#   n1 --- br0 --- n2        adverts: IPv4 | AH (SPI = source, seq, ICV) | VRRPv2
#           |
#           x                scapy: one packet per AH check, ICV by Python's hmac

ah_conf() {	# ah_conf FILE PRIO KEY
	cat > "$1" <<EOF
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    authentication {
        auth_type AH
        auth_pass $3
    }
    virtual_ipaddress {
        192.0.2.100
    }
}
EOF
}

ah_drop() {	# ah_drop NODE REASON: that drop counter of VI_1
	q "$1" "i['VI_1']['drops']['$2']"
}

ah_cases() {
	local out rc t t0 kinds k before after
	ah_conf "$dir/ah1.conf" 150 's3cr3t'
	ah_conf "$dir/ah2.conf" 100 's3cr3t'

	out=$("$HALBD" -t -f "$dir/ah1.conf" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	[ $rc = 0 ] && echo "$out" | grep -q "ah1.conf:1: vrrp_instance VI_1: 'state MASTER' with auth_type AH starts as BACKUP" &&
		! echo "$out" | grep -qi "not implemented"
	ktap_result $? "AH: halbd -t accepts auth_type AH; 'state MASTER' starts as BACKUP, like keepalived (warning with file:line)"

	: > "$dir/ah-tcpdump.err"
	ip netns exec "$(ns br)" tcpdump -i br0 -n -l -v 'ip proto 51' > "$dir/ah-tcpdump.txt" \
		2> "$dir/ah-tcpdump.err" &
	local td=$!
	pids+=("$td")
	busywait 3000 grep -q listening "$dir/ah-tcpdump.err"
	start_halbd n1 "$dir/ah1.conf"
	start_halbd n2 "$dir/ah2.conf"
	busywait 8000 eval 'state_is n1 VI_1 MASTER && has_vip n1 192.0.2.100 && state_is n2 VI_1 BACKUP' &&
		busywait 3000 eval '[ "$(q n2 "i[\"VI_1\"][\"adverts_received\"]")" -gt 1 ]' &&
		holds 2000 eval 'no_vip n2 192.0.2.100 && state_is n1 VI_1 MASTER && state_is n2 VI_1 BACKUP' &&
		[ "$(q n2 "sum(i['VI_1']['drops'].values())")" = 0 ]
	rc=$?
	[ $rc = 0 ] || ctl n2 | sed 's/^/# /'
	ktap_result $rc "AH: n1 (150) master, n2 (100) backup, every advert authenticated"
	kill "$td" 2> /dev/null
	grep -m2 "AH(" "$dir/ah-tcpdump.txt" | sed 's/^/# /'
	# tcpdump decodes what is on the wire: protocol 51, SPI = source, a rising sequence
	grep -q "192.0.2.1 > 224.0.0.18: AH(length=4(24-bytes),spi=0xc0000201,seq=0x[0-9a-f]*,icv=0x[0-9a-f]\{24\}): VRRPv2, Advertisement, vrid 51, prio 150, authtype ah" "$dir/ah-tcpdump.txt" &&
		grep -q "proto AH (51), length 64" "$dir/ah-tcpdump.txt" &&
		! grep -q "proto VRRP" "$dir/ah-tcpdump.txt"
	ktap_result $? "AH: on the wire IPv4 protocol 51, 24-byte AH, SPI = 192.0.2.1, 96-bit ICV, VRRPv2 auth type ah"

	kinds="ah_icv ah_spi ah_seq ah_header"
	before=$(ctl n2)
	ip netns exec "$(ns x)" "$PY" "$here/craft.py" eth0 192.0.2.99 "$(echo $kinds | tr ' ' ,)" 3 \
		's3cr3t' 2> "$dir/craft-ah.err"
	grep -v "No route found" "$dir/craft-ah.err" | sed 's/^/# /'
	sleep 0.3
	after=$(ctl n2)
	for k in $kinds; do
		d=$("$PY" -c "import json, sys
b = json.loads(sys.argv[1])['instances'][0]['drops']
a = json.loads(sys.argv[2])['instances'][0]['drops']
print(a[sys.argv[3]] - b[sys.argv[3]])" "$before" "$after" "$k" 2> /dev/null)
		[ "${d:-0}" -ge 3 ]
		ktap_result $? "AH: crafted advert ($k) dropped and counted: +${d:-?}"
	done
	state_is n1 VI_1 MASTER && state_is n2 VI_1 BACKUP && no_vip n2 192.0.2.100
	ktap_result $? "AH: the crafted adverts changed no state"

	# n2 takes over and counts on from n1's sequence number; restarted n1
	# (its own number back at 0) learns n2's from its adverts and preempts:
	# n2 must accept that, or both stay master
	sleep 0.3
	t0=$(now_rt_ms)
	stop_halbd n1 KILL
	busywait 6000 has_vip n2 192.0.2.100
	rc=$?
	t=$(($(entered_master_ms n2 VI_1) - t0))
	[ $rc = 0 ] && within "$t" 2550 3800
	ktap_result $? "AH: kill -9 master, n2 takes over in $t ms (Master_Down 3609)"
	start_halbd n1 "$dir/ah1.conf"
	busywait 8000 eval 'state_is n1 VI_1 MASTER && has_vip n1 192.0.2.100 && state_is n2 VI_1 BACKUP && no_vip n2 192.0.2.100'
	rc=$?
	[ $rc = 0 ] && [ "$(ah_drop n2 ah_seq)" = 3 ] && [ "$(ah_drop n1 ah_seq)" = 0 ] &&
		[ "$(ah_drop n1 ah_icv)" = 0 ]
	rc=$?
	[ $rc = 0 ] || { ctl n1; ctl n2; } | sed 's/^/# /'
	ktap_result $rc "AH: restarted n1 learns the sequence number from n2 and preempts; n2 drops none of it"
	stop_halbd n1
	stop_halbd n2
}

ah_cases
