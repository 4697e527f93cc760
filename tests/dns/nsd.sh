# nsd.sh - start NSD (Debian's nsd) on loopback for a test, and stop it by
# its pid.  Source it, then:
#
#     nsd_start DIR ZONE FILE [ZONE FILE]...   # sets NSD_PORT and NSD_PID
#     nsd_stop
#
# DIR is a scratch directory for the configuration, logs and pid file.
# The server runs in the foreground of a background job (-d), without
# dropping privileges or chroot, on a free UDP and TCP port of 127.0.0.1.
#
# Optional, unset by default (bench/dns.sh sets both):
#     NSD_CONTROL=1      enables the control socket DIR/nsd.ctl (a unix
#                        socket, no TLS); `nsd_control ARGS`, e.g.
#                        `nsd_control stats_noreset`, then runs nsd-control
#                        against this server
#     NSD_SERVER_OPTS    extra lines for the server: clause, one option a
#                        line, e.g. "rrl-ratelimit: 0" (Debian's NSD
#                        rate-limits answers to one /24 to 200 a second)

nsd_start() {
	local dir=$1
	shift
	mkdir -p "$dir"
	dir=$(realpath "$dir")
	NSD_DIR=$dir
	NSD_PORT=$(/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
t = socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1]))
print(s.getsockname()[1])')
	{
		printf 'server:\n'
		printf '  ip-address: 127.0.0.1@%s\n' "$NSD_PORT"
		printf '  port: %s\n' "$NSD_PORT"
		printf '  username: ""\n  chroot: ""\n  server-count: 1\n'
		printf '  zonesdir: "%s"\n  pidfile: "%s/nsd.pid"\n' "$dir" "$dir"
		printf '  database: ""\n  zonelistfile: "%s/zone.list"\n' "$dir"
		printf '  xfrdfile: "%s/xfrd.state"\n  logfile: "%s/nsd.log"\n' \
			"$dir" "$dir"
		printf '  hide-version: yes\n  verbosity: 1\n'
		if [ -n "${NSD_SERVER_OPTS:-}" ]; then
			printf '%s\n' "$NSD_SERVER_OPTS" | sed 's/^/  /'
		fi
		if [ "${NSD_CONTROL:-0}" = 1 ]; then
			printf 'remote-control:\n  control-enable: yes\n'
			printf '  control-interface: "%s/nsd.ctl"\n' "$dir"
		else
			printf 'remote-control:\n  control-enable: no\n'
		fi
		while [ $# -ge 2 ]; do
			cp "$2" "$dir/$1.zone"
			printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone"\n' "$1" "$1"
			shift 2
		done
	} >"$dir/nsd.conf"
	nsd-checkconf "$dir/nsd.conf" || return 1
	/usr/sbin/nsd -d -c "$dir/nsd.conf" 2>>"$dir/nsd.log" &
	NSD_PID=$!
	# Ready once it answers: poll its TCP port (NSD opens it with UDP).
	local i
	for i in $(seq 1 100); do
		if /usr/bin/python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
			"$NSD_PORT" 2>/dev/null; then
			return 0
		fi
		kill -0 "$NSD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "nsd did not start; its log:" >&2
	cat "$dir/nsd.log" >&2
	return 1
}

# nsd_control ARGS...: nsd-control on the server nsd_start started
# (NSD_CONTROL=1).
nsd_control() {
	nsd-control -c "$NSD_DIR/nsd.conf" "$@"
}

nsd_stop() {
	if [ -n "${NSD_PID:-}" ]; then
		kill "$NSD_PID" 2>/dev/null || true
		wait "$NSD_PID" 2>/dev/null || true
		NSD_PID=
	fi
}
