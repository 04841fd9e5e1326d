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
