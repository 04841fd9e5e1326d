"""What privlint knows about programs and base images, as data: extend these tables, not the rules."""

import re

_VERSIONED = re.compile(r"^(php-fpm|python|php)[0-9.]+$")


def family(name: str) -> str:
    """A program's name without the version Debian and Alpine put on it: `php-fpm8.2` → `php-fpm`."""
    return _VERSIONED.sub(r"\1", name)

#: Base images whose default user is not root.
NON_ROOT_BASES = ["*:nonroot", "*:*-nonroot", "*/nginx-unprivileged*", "nginx-unprivileged*", "bitnami/*",
                  "*/bitnami/*"]

#: Servers that start as root and switch their workers to another user by themselves.
SELF_DROPPING_SERVERS = {"nginx", "nginx-debug", "httpd", "apache2", "apache2ctl", "apachectl", "haproxy",
                         "php-fpm", "postfix", "sshd", "dovecot", "named", "openvpn", "squid", "lighttpd",
                         "vsftpd", "apache2-foreground", "httpd-foreground", "openresty"}

#: Servers that switch the whole process to another user when given one of these options.
#: An empty tuple: the server refuses to run as root at all unless configured to switch (mysqld).
SELF_SWITCHING_SERVERS = {"memcached": ("-u", "--user"), "mysqld": (), "mariadbd": (), "mysqld_safe": (),
                          "httpd": ("-u",),  # busybox httpd; Apache's httpd has no -u
                          "dnsmasq": ("-u", "--user"), "named": ("-u",),
                          "openvpn": ("--user",), "unbound": ("-u",), "stunnel": ("-u",)}

#: Programs that need root to do their job: root is the design, not a mistake to fix with a drop.
NEEDS_ROOT = {"dockerd", "dockerd-entrypoint.sh", "containerd", "buildkitd", "kubelet", "k3s"}

#: Interactive defaults of base and toolbox images: a shell or REPL with no script is no service.
INTERACTIVE = {"sh", "bash", "ash", "dash", "zsh", "fish", "python", "python2", "python3", "node", "irb",
               "ruby", "php", "jshell", "ghci", "R", "julia", "iex", "erl", "lua", "perl", "pwsh", "bun", "deno"}

#: Base images that set no ENTRYPOINT of their own, or one that never drops privileges.
PLAIN_BASES = {"debian", "ubuntu", "alpine", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
               "oraclelinux", "archlinux", "busybox", "scratch", "opensuse/leap", "opensuse/tumbleweed",
               "redhat/ubi8", "redhat/ubi9", "ubi8", "ubi9", "python", "golang", "eclipse-temurin", "openjdk",
               "amazoncorretto", "ibmjava", "ruby", "rust", "perl", "gcc", "buildpack-deps", "node", "php",
               "clearlinux", "photon", "gradle", "maven", "docker", "nginx", "httpd", "haproxy", "caddy",
               "traefik", "bash"}

#: Process supervisors: the tree starts as root by design and each service drops on its own.
SUPERVISORS = {"supervisord", "s6-svscan", "runsvdir", "init", "my_init", "systemd", "s6-overlay",
               "runit", "openrc-init"}

#: Programs that read shell: their `-c` text, script argument or heredoc body is shell.
SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"}

#: Init processes that forward signals and reap children, then run their arguments.
INIT_WRAPPERS = {"tini", "tini-static", "dumb-init", "docker-init", "catatonit"}

#: Scripts of the official images that only set things up and then `exec "$@"`.
PASS_THROUGH = {"docker-php-entrypoint"}

#: Programs that switch user and then exec the command, leaving no process of their own behind.
DROP_TOOLS = {"gosu", "su-exec", "setpriv", "chroot", "s6-setuidgid", "runuser", "setuidgid", "chpst",
              "setuser", "s6-applyuidgid"}

#: Login tools that start a command as another user and stay as its parent.
SUDO_TOOLS = {"sudo", "su", "doas"}

#: Commands that finish quickly: ending a script with one of them is not a lost PID 1.
SHORT_LIVED = set("""
: . true false echo printf set shift export unset cd pwd test [ [[ exit return wait trap source
read local declare readonly typeset umask ulimit alias hash type command builtin getopts let
cat chown chmod chgrp mkdir rm rmdir cp mv ln touch find sed awk gawk grep egrep sort uniq tr cut head
date id whoami ls stat wc basename dirname readlink realpath sync hostname usermod useradd adduser
addgroup groupadd groupmod userdel deluser install rsync tar gzip gunzip unzip envsubst sysctl
update-ca-certificates ldconfig setcap logger mktemp xargs kill pkill killall which sh-check printenv
tee curl wget nc apt-get apk yum dnf pip npm composer openssl ssh-keygen chpasswd passwd crontab
""".split())

#: Shell builtins and reserved words: `exec` cannot run them (bash and POSIX sh together).
SHELL_BUILTINS = set("""
: . [ [[ ]] ! { } alias bg bind break builtin caller case cd command compgen complete compopt continue
coproc declare dirs disown do done echo elif else enable esac eval exec exit export false fc fg fi for
function getopts hash help history if in jobs kill let local logout mapfile popd printf pushd pwd read
readarray readonly return select set shift shopt source suspend test then time times trap true type
typeset ulimit umask unalias unset until wait while
""".split())

#: Programs that fetch files from the network.
FETCHERS = {"curl", "wget"}

#: Tools that run first and as root in every container: an unverified download of one is PL004.
PRIVILEGE_TOOL_NAMES = ("gosu", "su-exec", "tini", "dumb-init")

#: Files that hold signatures, digests or keys: fetching one is not fetching code.
SIGNATURE_SUFFIXES = (".asc", ".sig", ".sign", ".gpg", ".sha256", ".sha256sum", ".sha512", ".sha512sum",
                      ".sha1", ".md5", ".pub", ".key", "sums", "sums.txt", ".minisig", ".pem", ".crt")

#: Shells that run a script piped into them.
SHELL_INTERPRETERS = SHELLS - {"busybox"}

#: Interpreters that run a script piped into them (`curl -sS https://getcomposer.org/installer | php`).
PIPE_INTERPRETERS = SHELL_INTERPRETERS | {"php", "python", "python2", "python3", "perl", "ruby", "node"}

#: Digest tools: with `-c`, or with their output compared, they verify a file.
CHECKSUM_TOOLS = {"sha256sum", "sha512sum", "sha384sum", "sha224sum", "shasum", "sha1sum", "b2sum"}

#: Where a program named without a slash is looked up, in PATH order.
PATH_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

#: Programs often started as a container's main process: a bare name after an unread `source` that is one
#: of these is the program, not a function of that file.
KNOWN_PROGRAMS = SELF_DROPPING_SERVERS | SUPERVISORS | INTERACTIVE | NEEDS_ROOT | set(SELF_SWITCHING_SERVERS) | set("""
java node nodejs python gunicorn uvicorn hypercorn daphne uwsgi waitress-serve php php-fpm ruby bundle rails puma
unicorn thin npm npx yarn pnpm bun deno dotnet go perl caddy traefik redis-server postgres mongod mongos
celery flask streamlit jupyter jupyter-lab mono elixir mix erl rabbitmq-server kafka-server-start.sh
zookeeper-server-start.sh catalina.sh nginx httpd apache2 apache2-foreground haproxy envoy consul vault nomad
tini dumb-init gosu su-exec runsvdir crond cron dockerd java8 java11 java17 java21 sleep tail
""".split())
