#!/usr/bin/env bash
# The OpenID Connect provider of the campus sign-on tests: NAV's mock-oauth2-server (jars from
# Maven Central, deploy/oidc/pom.xml), run with the machine's Java 17. Not part of `make run`:
# the tests that sign in through it start it (fixture campus_oidc), and it stays up after.
#
#   bash deploy/local/oidc.sh install|start|stop|status|url
#
# Jars: $STACK_DIR/oidc/lib; log: $LOG_DIR/oidc.log. Every path below the port is an issuer
# of its own (http://127.0.0.1:$OIDC_PORT/<issuer>), so each test can use a fresh one. The
# login form (interactive login) takes a user name and the ID token's claims as JSON.
_OIDC_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_OIDC_HERE/env.sh"
OIDC_PORT=${JIAODUI_OIDC_PORT:-8090}
OIDC_DEPLOY=$JIAODUI_ROOT/deploy/oidc
OIDC_LIB=$STACK_DIR/oidc/lib

_oidc_version() { sed -n 's:.*<mock-oauth2-server.version>\(.*\)</mock-oauth2-server.version>.*:\1:p' "$OIDC_DEPLOY/pom.xml"; }

oidc_install() {
  local version; version=$(_oidc_version)
  if [ "$(cat "$OIDC_LIB/.version" 2>/dev/null)" = "$version" ]; then return 0; fi
  command -v java >/dev/null && command -v mvn >/dev/null || apt_install openjdk-17-jre-headless maven
  log "oidc: fetching mock-oauth2-server $version from Maven Central (log in $LOG_DIR/oidc-install.log)"
  local new=$STACK_DIR/oidc/lib.new
  rm -rf "$new" && mkdir -p "$new"
  mvn -B -q -f "$OIDC_DEPLOY/pom.xml" dependency:copy-dependencies -DoutputDirectory="$new" \
    >"$LOG_DIR/oidc-install.log" 2>&1 && [ -f "$new/mock-oauth2-server-$version.jar" ] \
    || { log "oidc: mvn failed, see $LOG_DIR/oidc-install.log"; rm -rf "$new"; return 1; }
  echo "$version" >"$new/.version"
  pid_alive oidc && oidc_stop
  rm -rf "$OIDC_LIB" && mv "$new" "$OIDC_LIB"
}

oidc_ready() { http_ok "http://127.0.0.1:$OIDC_PORT/ready/.well-known/openid-configuration"; }

oidc_start() {
  if pid_alive oidc && oidc_ready; then return 0; fi
  if ! pid_alive oidc && port_open "$OIDC_PORT"; then
    log "oidc: 127.0.0.1:$OIDC_PORT is taken by a process this stack did not start"; return 1
  fi
  oidc_install || return 1
  if ! pid_alive oidc; then
    # interactiveLogin: the authorization endpoint shows a login form (user name + claims)
    spawn_bg oidc env SERVER_HOSTNAME=127.0.0.1 SERVER_PORT="$OIDC_PORT" \
      JSON_CONFIG='{"interactiveLogin": true}' \
      java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$OIDC_LIB/*" \
      no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt || return 1
  fi
  wait_for "the OIDC provider on :$OIDC_PORT" 60 oidc_ready && log "oidc: up on http://127.0.0.1:$OIDC_PORT"
}

oidc_stop() { stop_pid oidc 10; }

oidc_status() {
  if pid_alive oidc && oidc_ready; then echo "oidc: running on :$OIDC_PORT"; else echo "oidc: stopped"; return 1; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    install) oidc_install ;;
    start) oidc_start ;;
    stop) oidc_stop ;;
    status) oidc_status ;;
    url) echo "http://127.0.0.1:$OIDC_PORT" ;;
    *) echo "usage: $0 install|start|stop|status|url" >&2; exit 2 ;;
  esac
fi
