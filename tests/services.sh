#!/usr/bin/env bash
# Starts throwaway PostgreSQL and Redis servers on loopback for the test suite, installing them
# from Debian's packages when they are missing, and prints the variables the tests read:
#   eval "$(bash tests/services.sh start)"   ...   bash tests/services.sh stop
# State lives in $GATEKEEPER_SERVICES_DIR (default /tmp/gatekeeper-services).
set -euo pipefail

dir=${GATEKEEPER_SERVICES_DIR:-/tmp/gatekeeper-services}
mkdir -p "$dir"

free_ports() {  # two distinct free loopback ports, both held open while they are chosen
    python3 -c '
import socket
held = [socket.socket() for _ in range(2)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))'
}

# Ports are chosen once per state folder and remembered, so that stop finds the servers again.
if [ ! -f "$dir/ports" ]; then
    read -r free_pg free_redis < <(free_ports)
    echo "${GATEKEEPER_PG_PORT:-$free_pg} ${GATEKEEPER_REDIS_PORT:-$free_redis}" >"$dir/ports"
fi
read -r pg_port redis_port <"$dir/ports"

log() { printf '%s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        log "need root to run: $*"; return 1; fi
}

apt_install() {
    log "installing $* from Debian's packages"
    if [ ! -f "$dir/.apt-updated" ]; then as_root apt-get update -qq >&2; touch "$dir/.apt-updated"; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >&2
}

pg_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ] && command -v initdb >/dev/null; then found=$(dirname "$(readlink -f "$(command -v initdb)")"); fi
    printf '%s' "$found"
}

start() {
    mkdir -p "$dir"
    local bin
    bin=$(pg_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then apt_install postgresql; bin=$(pg_bin); fi
    command -v redis-server >/dev/null || apt_install redis-server

    # PostgreSQL refuses to run as root: run it as an unprivileged user.
    local pg_user=postgres
    if [ "$(id -u)" -ne 0 ]; then pg_user=$(id -un); elif ! id postgres >/dev/null 2>&1; then
        useradd --system --no-create-home postgres; fi
    local data="$dir/pg"
    run_pg() { (cd "$dir" && if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi); }
    pg_failed() { log "PostgreSQL did not start:"; tail -n 30 "$data/server.log" >&2 || true; exit 1; }
    if ! run_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        rm -rf "$data"; mkdir -p "$data"; chown -R "$pg_user" "$dir" 2>/dev/null || true
        run_pg "$bin/initdb" -D "$data" -U gatekeeper --auth=trust -E UTF8 >/dev/null
        run_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || pg_failed
        run_pg "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U gatekeeper gatekeeper_test || pg_failed
    fi

    if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
        redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
            --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
        for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
        if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
            log "redis-server did not start:"; tail -n 30 "$dir/redis.log" >&2 || true; exit 1
        fi
    fi
    echo "export GATEKEEPER_TEST_POSTGRES_URL=postgresql+asyncpg://gatekeeper@127.0.0.1:$pg_port/gatekeeper_test"
    echo "export GATEKEEPER_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
}

stop() {
    local bin
    bin=$(pg_bin)
    if [ -n "$bin" ] && [ -d "$dir/pg" ]; then
        if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true
        else "$bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null 2>&1 || true; fi
    fi
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) log "usage: $0 start|stop"; exit 2 ;;
esac
