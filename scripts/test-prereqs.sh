#!/usr/bin/env bash
# Makes this machine ready for the test suite (idempotent; a fresh Debian 12 needs root or sudo once):
#   - Debian packages: openssh-server (tests start their own sshd), mariadb-server, thrift-compiler
#     (regeneration check, Python interop), python3-thrift (Python interop client), chromium and
#     chromium-driver (the browser test drives the pages headless through ChromeDriver);
#   - MariaDB running on 127.0.0.1:3306;
#   - a test account 'omserver'@'127.0.0.1' / 'omserver' that may create and drop the tests' scratch databases.
# Override the database with OMSERVER_TEST_MYSQL_URL / _USER / _PASSWORD (then the account step is skipped).
set -euo pipefail

say() { echo "test-prereqs: $*" >&2; }
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@" || { say "needs root for: $*  (run it with sudo once)"; exit 1; }
  else say "needs root for: $*"; exit 1; fi
}

packages=()
[[ -x /usr/sbin/sshd ]] || packages+=(openssh-server)
[[ -x /usr/sbin/mariadbd ]] || packages+=(mariadb-server)
command -v mariadb >/dev/null || packages+=(mariadb-client)
command -v thrift >/dev/null || packages+=(thrift-compiler)
/usr/bin/python3 -c 'import thrift' 2>/dev/null || packages+=(python3-thrift)
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
[[ -x /usr/bin/chromedriver ]] || packages+=(chromium-driver)
if (( ${#packages[@]} )); then
  say "installing ${packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if [[ -n "${OMSERVER_TEST_MYSQL_URL:-}" ]]; then
  say "using OMSERVER_TEST_MYSQL_URL=$OMSERVER_TEST_MYSQL_URL"
  exit 0
fi

mysql_up() { mariadb-admin --protocol=tcp -h127.0.0.1 -P3306 -uomserver -pomserver ping >/dev/null 2>&1 \
  || as_root mariadb-admin ping >/dev/null 2>&1; }
if ! mysql_up; then
  say "starting MariaDB"
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do mysql_up && break; sleep 0.5; done
  mysql_up || { say "MariaDB did not come up on 127.0.0.1:3306; see its log (journalctl or /var/log/mysql)"; exit 1; }
fi

# root logs in over the unix socket on Debian; the tests use their own TCP account
as_root mariadb -uroot <<'SQL'
CREATE USER IF NOT EXISTS 'omserver'@'127.0.0.1' IDENTIFIED BY 'omserver';
CREATE USER IF NOT EXISTS 'omserver'@'localhost' IDENTIFIED BY 'omserver';
GRANT ALL PRIVILEGES ON *.* TO 'omserver'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'omserver'@'localhost';
SQL
mariadb --protocol=tcp -h127.0.0.1 -P3306 -uomserver -pomserver -e 'SELECT 1' >/dev/null \
  || { say "cannot log in to MariaDB as omserver@127.0.0.1"; exit 1; }
say "ready: sshd, MariaDB (omserver@127.0.0.1), thrift $(thrift --version | awk '{print $3}'), python3-thrift, chromium"
