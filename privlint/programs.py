"""What privlint knows about programs and base images, as data: extend these tables, not the rules."""

import re

_VERSIONED = re.compile(r"^(php-fpm|python|php)[0-9.]+$")


def family(name: str) -> str:
    """A program's name without the version Debian and Alpine put on it: `php-fpm8.2` → `php-fpm`."""
    return _VERSIONED.sub(r"\1", name)

#: Servers that start as root and switch their workers to another user by themselves.
SELF_DROPPING_SERVERS = {"nginx", "nginx-debug", "httpd", "apache2", "apache2ctl", "apachectl", "haproxy",
                         "php-fpm", "postfix", "sshd", "dovecot", "named", "openvpn", "squid", "lighttpd",
                         "vsftpd", "apache2-foreground", "httpd-foreground", "openresty", "smbd"}

#: Servers that switch the whole process to another user when given one of these options.
#: An empty tuple: the server refuses to run as root at all unless configured to switch (mysqld).
SELF_SWITCHING_SERVERS = {"memcached": ("-u", "--user"), "mysqld": (), "mariadbd": (), "mysqld_safe": (),
                          "httpd": ("-u",),  # busybox httpd; Apache's httpd has no -u
                          "dnsmasq": (),  # switches to nobody by default
                          "named": ("-u",), "openvpn": ("--user",), "stunnel": ("-u",),
                          "slapd": ("-u",), "chronyd": ("-u",), "ntpd": ("-u",), "uwsgi": ("--uid",),
                          "celery": ("--uid",), "pgbouncer": (),  # pgbouncer refuses to run as root
                          "tor": ("--User",), "privoxy": ("--user",),
                          "unbound": (),  # switches to its `username:` (unbound) unless told `username: ""`
                          "upsd": (), "upsdrvctl": ()}  # NUT: drops to its build-time user (nut)

#: Servers whose config file can switch the user, all processes included: program -> (the options naming the
#: file, a pattern of the setting). `uwsgi --ini uwsgi.ini` with `uid = www-data` in it drops by itself.
CONFIG_SWITCHING_SERVERS = {"uwsgi": (("--ini",), r"(?m)^[ \t]*uid[ \t]*[=:][ \t]*\S")}

#: Client tools that do a job and exit, except for the sub-commands that keep serving.
CLIENT_TOOLS = {"kubectl": {"proxy", "port-forward"}, "oc": {"proxy", "port-forward"}, "helm": set(),
                "terraform": set(), "aws": set(), "gcloud": set(), "az": set(), "ansible-playbook": set(),
                "flyctl": {"proxy"}, "gh": set(), "rclone": {"serve", "mount", "rcd", "nfsmount"},
                "restic": {"mount"}, "borg": {"serve", "mount"}, "gsutil": set(), "s3cmd": set(),
                "rcon-cli": set(), "rconc": set(), "mcrcon": set(), "rcon": set(), "dbt": {"serve"}}

#: Service managers that start a daemon and return: `/etc/init.d/kafka start`, `service nginx start`.
SERVICE_STARTERS = {"service", "rc-service", "systemctl", "invoke-rc.d", "start-stop-daemon"}

#: Programs that need root to do their job: root is the design, not a mistake to fix with a drop.
NEEDS_ROOT = {"dockerd", "dockerd-entrypoint.sh", "containerd", "buildkitd", "kubelet", "k3s"}

#: Commands that bring up a kernel network interface and return (program: the sub-commands that do): a start-up
#: that runs one and then only keeps the container alive is a VPN/tunnel end whose work needs root.
NETWORK_SETUP = {"wg-quick": {"up"}, "wg": {"setconf", "syncconf", "addconf"}}
#: VPN daemons run as a container's main program: the container is a VPN or tunnel end, whose tun device and
#: routes need root (openvpn may give up root later by its own `--user`).
VPN_DAEMONS = {"openvpn", "openconnect", "vpnc", "ipsec", "charon", "charon-systemd"}

#: Programs that only keep a container alive (`sleep infinity`, `tail -f /dev/null`, a bare `wait`).
KEEP_ALIVE = {"sleep", "tail", "wait", "trap", ":", "true"}

#: Interactive defaults of base and toolbox images: a shell or REPL with no script is no service.
INTERACTIVE = {"sh", "bash", "ash", "dash", "zsh", "fish", "python", "python2", "python3", "node", "irb",
               "ruby", "php", "jshell", "ghci", "R", "julia", "iex", "erl", "lua", "perl", "pwsh", "bun", "deno",
               "pyspark", "spark-shell", "spark-sql", "sparkR", "ipython", "mongosh", "psql", "mysql", "redis-cli",
               "sqlite3", "scala", "groovysh", "clojure", "lein"}

#: Process supervisors: the tree starts as root by design and each service drops on its own.
SUPERVISORS = {"supervisord", "s6-svscan", "runsvdir", "init", "my_init", "systemd", "s6-overlay",
               "runit", "openrc-init", "foreman", "honcho", "overmind", "hivemind", "pm2-runtime", "circusd"}

#: The scripts s6-overlay's `/init` runs: init scripts before the services, and each service's run script.
S6_SCRIPTS = ("/etc/cont-init.d/*", "/custom-cont-init.d/*", "/etc/services.d/*/run",
              "/etc/s6-overlay/s6-rc.d/*/run", "/etc/s6-overlay/scripts/*")

#: Programs that read shell: their `-c` text, script argument or heredoc body is shell.
SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"}

#: Init processes that forward signals and reap children, then run their arguments.
INIT_WRAPPERS = {"tini", "tini-static", "dumb-init", "docker-init", "catatonit"}

#: Tools that wait for a service and then exec the command after them: `wait-for-it.sh db:5432 -- CMD`,
#: `dockerize -wait tcp://db:5432 -timeout 20s CMD`. The options with a value, per tool (None: up to `--`).
WAIT_WRAPPERS = {"wait-for-it": None, "wait-for-it.sh": None, "wait_for_it.sh": None, "wait-for": None,
                 "wait-for.sh": None, "wait-for-it.bash": None,
                 "dockerize": {"-wait", "-timeout", "-template", "-stdout", "-stderr", "-delims",
                               "-wait-http-header", "-wait-retry-interval", "--wait", "--timeout", "--template"}}

#: Tools that run a command inside an environment: `micromamba run -n env CMD`, `poetry run CMD`,
#: `bundle exec CMD`. (sub-command, its options that take a value): the command after them is the program.
_CONDA_VALUE = {"-n", "--name", "-p", "--prefix", "-r", "--root-prefix", "--cwd", "-e", "--env", "--label"}
ENV_RUNNERS = {"micromamba": ("run", _CONDA_VALUE), "conda": ("run", _CONDA_VALUE), "mamba": ("run", _CONDA_VALUE),
               "poetry": ("run", {"-C", "--directory", "-P", "--project"}), "pipenv": ("run", set()),
               "pdm": ("run", {"-p", "--project"}), "hatch": ("run", set()), "bundle": ("exec", {"--gemfile"}),
               "uv": ("run", {"--with", "--python", "-p", "--project", "--directory", "--env-file", "--package",
                              "--extra", "--group", "--from", "--with-requirements", "--index", "--index-url"})}

#: Scripts of the official images that only set things up and then `exec "$@"`.
PASS_THROUGH = {"docker-php-entrypoint"}

#: Programs that switch user and then exec the command, leaving no process of their own behind.
DROP_TOOLS = {"gosu", "su-exec", "setpriv", "chroot", "s6-setuidgid", "runuser", "setuidgid", "chpst",
              "setuser", "s6-applyuidgid", "start-stop-daemon"}

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
wg wg-quick ip ip6tables iptables iptables-restore nft sysctl route ifconfig resolvconf modprobe mount umount
jq yq md5sum sha256sum sha1sum sha512sum gpg git ln sleep touch diff cmp comm patch
pytest py.test tox nox behave rspec phpunit jest mocha vitest alembic coverage
ps pgrep pidof getent df du free nproc seq expr uname base64 od hexdump file tput stty ts
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
PRIVILEGE_TOOL_NAMES = ("gosu", "su-exec", "tini", "dumb-init", "s6-overlay", "catatonit", "fixuid")
#: How the start-up runs a privilege tool whose command is not its own name.
TOOL_COMMANDS = {"s6-overlay": ("/init",)}

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
#: Folders every Linux image has: COPY/ADD of one file to one of them puts the file inside it.
IMAGE_DIRECTORIES = frozenset(["/", "/tmp", "/var/tmp", "/opt", "/srv", "/root", "/etc", "/usr/local",
                               "/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin",
                               "/usr/lib", "/usr/local/lib"])
#: BuildKit's automatic platform ARGs, which a FROM line may use undeclared (`FROM alpine-${TARGETARCH}`): the
#: values of the usual build, on and for linux/amd64.
PLATFORM_ARGS = {"TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
                 "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": ""}

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

# -- base images ----------------------------------------------------------------------------------------
#: Docker Hub namespaces holding the official images built for one architecture (`arm32v7/node`).
OFFICIAL_ARCH_NAMESPACES = {"amd64", "arm32v5", "arm32v6", "arm32v7", "arm64v8", "i386", "ppc64le", "s390x",
                            "riscv64", "mips64le", "windows-amd64"}
#: Registries that serve Docker Hub's images under the same names (`public.ecr.aws/docker/library/python`).
OFFICIAL_MIRRORS = ("docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/",
                    "public.ecr.aws/docker/", "mirror.gcr.io/")
# What widely used images run at start, for a Dockerfile built FROM them: matched in order against the
# image name without registry (`docker.io/library/` dropped) and, after a colon, its tag (fnmatch).
# (pattern, user, ENTRYPOINT, CMD, drops[, dropping scripts]): user None is root; drops: the programs for which the
# image's own entrypoint switches to its service user (the official databases' docker-entrypoint.sh), () for none;
# dropping scripts: the image's own start scripts that, run as root, switch to its user by themselves.
_DISTROS = ("debian", "ubuntu", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux",
            "archlinux", "opensuse/leap", "opensuse/tumbleweed", "photon", "clearlinux", "buildpack-deps",
            "golang", "rust", "gcc", "swift", "mono", "nvidia/cuda", "pytorch/pytorch", "tensorflow/tensorflow",
            "ubi8", "ubi9", "redhat/ubi8", "redhat/ubi9", "registry.access.redhat.com/ubi*",
            "public.ecr.aws/amazonlinux/*", "mcr.microsoft.com/dotnet/sdk", "nvcr.io/nvidia/*",
            "continuumio/miniconda*", "continuumio/anaconda*")
#: Images built on the official postgres image that keep its docker-entrypoint.sh (drops to postgres).
_POSTGRES_DERIVED = ("postgis/postgis", "mdillon/postgis", "timescale/timescaledb*", "pgvector/pgvector",
                     "ankane/pgvector")
_JUPYTER_STARTS = ("start-notebook.sh", "start-notebook.py", "start-singleuser.sh", "start-singleuser.py", "start.sh")
_JDKS = ("openjdk", "eclipse-temurin", "amazoncorretto", "ibmjava", "sapmachine", "ibm-semeru-runtimes", "java",
         "adoptopenjdk", "adoptopenjdk/*", "azul/zulu-openjdk*", "bellsoft/liberica-openjdk*")
_OFFICIAL_DROPPING = {  # name: the programs its entrypoint drops for, the default (its CMD) first
    "postgres": ("postgres",), "mysql": ("mysqld",), "mariadb": ("mariadbd", "mysqld"), "mongo": ("mongod",),
    "redis": ("redis-server", "redis-sentinel"), "rabbitmq": ("rabbitmq-server",), "cassandra": ("cassandra",),
    "zookeeper": ("zkServer.sh",), "couchdb": ("couchdb",), "ghost": ("node",),
    "redmine": ("rails", "rake", "passenger"), "neo4j": ("neo4j",), "influxdb": ("influxd",),
    "percona": ("mysqld",), "vault": ("server", "vault"), "hashicorp/vault": ("server", "vault"),
    "consul": ("agent", "consul"), "hashicorp/consul": ("agent", "consul"),
    "eclipse-mosquitto": ("/usr/sbin/mosquitto",), "telegraf": ("telegraf",),
    "chronograf": ("chronograf",), "kapacitor": ("kapacitord",), "elasticsearch": ("eswrapper", "elasticsearch"),
}
#: The ENV and WORKDIR widely used images set, for paths a Dockerfile builds on them (`WORKDIR $GOPATH/src/app`,
#: `COPY . .` with no WORKDIR on golang): (pattern as in BASE_IMAGES, ENV, WORKDIR or None).
_PHP_WEB = ({"PHP_INI_DIR": "/usr/local/etc/php"}, "/var/www/html")
BASE_ENVIRONMENTS = [
    ("golang", {"GOPATH": "/go"}, "/go"),
    ("rust", {"CARGO_HOME": "/usr/local/cargo", "RUSTUP_HOME": "/usr/local/rustup"}, None),
    ("ruby", {"GEM_HOME": "/usr/local/bundle", "BUNDLE_APP_CONFIG": "/usr/local/bundle"}, None),
    ("php:*apache*", *_PHP_WEB), ("php:*fpm*", *_PHP_WEB), ("php", {"PHP_INI_DIR": "/usr/local/etc/php"}, None),
    ("wordpress", {}, "/var/www/html"), ("nextcloud", {}, "/var/www/html"), ("drupal", {}, "/var/www/html"),
    ("tomcat", {"CATALINA_HOME": "/usr/local/tomcat"}, "/usr/local/tomcat"),
    ("httpd", {"HTTPD_PREFIX": "/usr/local/apache2"}, "/usr/local/apache2"),
    ("maven", {"MAVEN_HOME": "/usr/share/maven", "MAVEN_CONFIG": "/root/.m2"}, None),
    ("eclipse-temurin", {"JAVA_HOME": "/opt/java/openjdk"}, None),
    ("postgres", {"PGDATA": "/var/lib/postgresql/data"}, None),
    ("jenkins/jenkins", {"JENKINS_HOME": "/var/jenkins_home"}, None),
    ("jupyter/*", {"NB_USER": "jovyan", "HOME": "/home/jovyan", "CONDA_DIR": "/opt/conda"}, "/home/jovyan"),
    ("quay.io/jupyter/*", {"NB_USER": "jovyan", "HOME": "/home/jovyan", "CONDA_DIR": "/opt/conda"}, "/home/jovyan"),
    ("apache/spark*", {"SPARK_HOME": "/opt/spark"}, "/opt/spark/work-dir"),
    ("apache/airflow*", {"AIRFLOW_HOME": "/opt/airflow"}, "/opt/airflow"),
    ("cm2network/steamcmd*", {"HOMEDIR": "/home/steam", "STEAMCMDDIR": "/home/steam/steamcmd"}, None),
]
BASE_IMAGES = [
    # non-root by default
    ("*:nonroot", "nonroot", None, None, ()), ("*:*-nonroot", "nonroot", None, None, ()),
    ("*nginx-unprivileged*", "nginx", ["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"], ()),
    ("*-unprivileged*", "1001", None, None, ()),
    ("bitnami/*", "1001", None, None, ()), ("*/bitnami/*", "1001", None, None, ()),
    ("memcached", "memcache", ["docker-entrypoint.sh"], ["memcached"], ()),
    ("haproxy", "haproxy", ["docker-entrypoint.sh"], ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"], ()),
    ("solr", "solr", ["docker-entrypoint.sh"], ["solr-foreground"], ()),
    ("jenkins/jenkins", "jenkins", ["/usr/bin/tini", "--", "/usr/local/bin/jenkins.sh"], None, ()),
    ("jenkins/inbound-agent", "jenkins", ["/usr/local/bin/jenkins-agent"], None, ()),
    ("jenkins/agent", "jenkins", None, None, ()),
    ("sonarqube", "sonarqube", ["/opt/sonarqube/docker/entrypoint.sh"], None, ()),
    ("grafana/grafana*", "472", ["/run.sh"], None, ()),
    ("node-red*", "node-red", None, None, ()), ("nodered/node-red*", "node-red", None, None, ()),
    # the docker-stacks start scripts, run as root (`user: root`), set up and then switch to jovyan themselves
    ("jupyter/*", "jovyan", ["tini", "-g", "--"], ["start-notebook.sh"], (), _JUPYTER_STARTS),
    ("quay.io/jupyter/*", "jovyan", ["tini", "-g", "--"], ["start-notebook.sh"], (), _JUPYTER_STARTS),
    ("apache/airflow*", "airflow", ["/usr/bin/dumb-init", "--", "/entrypoint"], None, ()),
    ("confluentinc/*", "appuser", None, None, ()),
    ("gitpod/*", "gitpod", None, None, ()),
    ("selenium/*", "seluser", None, None, ()),
    ("odoo", "odoo", ["/entrypoint.sh"], ["odoo"], ()),
    ("cm2network/steamcmd:root*", None, None, ["bash"], ()), ("cm2network/steamcmd:*-root", None, None, ["bash"], ()),
    ("cm2network/steamcmd*", "steam", None, ["bash"], ()),
    ("codercom/code-server", "coder", ["/usr/bin/entrypoint.sh", "--bind-addr", "0.0.0.0:8080", "."], None, ()),
    ("ghcr.io/actions/actions-runner", "runner", None, None, ()),
    ("mambaorg/micromamba", "mambauser", ["/usr/local/bin/_entrypoint.sh"], None, ()),
    ("apache/spark*", "185", ["/opt/entrypoint.sh"], None, ()),
    ("cimg/*", "circleci", None, ["/bin/sh"], ()), ("circleci/*", "circleci", None, ["/bin/sh"], ()),
    ("mcr.microsoft.com/mssql/*", "mssql", None, None, ()),
    ("prom/prometheus*", "nobody", ["/bin/prometheus"], None, ()), ("prom/alertmanager*", "nobody", None, None, ()),
    ("prom/node-exporter*", "nobody", ["/bin/node_exporter"], None, ()),
    ("spark", "spark", ["/opt/entrypoint.sh"], None, ()), ("kibana", "kibana", None, None, ()),
    ("logstash", "logstash", None, None, ()), ("kong", "kong", ["/docker-entrypoint.sh"], ["kong", "docker-start"], ()),
    ("flink", None, ["/docker-entrypoint.sh"], None, ("jobmanager", "taskmanager", "standalone-job",
                                                          "history-server")),
    ("steamcmd/steamcmd", None, ["steamcmd"], ["+help", "+quit"], ()),
    ("adminer", "adminer", None, None, ()),
    # official images whose entrypoint drops to their service user for their default program
    *((name, None, ["docker-entrypoint.sh"], [programs[0]], programs) for name, programs in _OFFICIAL_DROPPING.items()),
    *((name, None, ["docker-entrypoint.sh"], ["postgres"], ("postgres",)) for name in _POSTGRES_DERIVED),
    # servers that start a root master which drops its workers itself
    ("nginx", None, ["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"], ()),
    ("openresty/openresty*", None, None, ["/usr/local/openresty/bin/openresty", "-g", "daemon off;"], ()),
    ("httpd", None, None, ["httpd-foreground"], ()),
    ("php:*apache*", None, ["docker-php-entrypoint"], ["apache2-foreground"], ()),
    ("php:*fpm*", None, ["docker-php-entrypoint"], ["php-fpm"], ()),
    ("wordpress:*fpm*", None, ["docker-entrypoint.sh"], ["php-fpm"], ()),
    ("wordpress", None, ["docker-entrypoint.sh"], ["apache2-foreground"], ()),
    ("nextcloud:*fpm*", None, ["/entrypoint.sh"], ["php-fpm"], ()),
    ("nextcloud", None, ["/entrypoint.sh"], ["apache2-foreground"], ()),
    ("drupal", None, ["docker-php-entrypoint"], ["apache2-foreground"], ()),
    ("joomla", None, ["/entrypoint.sh"], ["apache2-foreground"], ()),
    ("mediawiki", None, ["docker-php-entrypoint"], ["apache2-foreground"], ()),
    ("phpmyadmin*", None, ["/docker-entrypoint.sh"], ["apache2-foreground"], ()),
    # root start-ups that do not drop
    ("tomcat", None, None, ["catalina.sh", "run"], ()),
    ("caddy", None, None, ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"], ()),
    ("traefik", None, ["/entrypoint.sh"], ["traefik"], ()),
    ("registry", None, ["/entrypoint.sh"], ["/etc/docker/registry/config.yml"], ()),
    ("docker:*dind*", None, ["dockerd-entrypoint.sh"], [], ()),
    ("docker", None, ["docker-entrypoint.sh"], ["sh"], ()),
    ("linuxserver/*", None, ["/init"], None, ()), ("lscr.io/linuxserver/*", None, ["/init"], None, ()),
    ("ghcr.io/linuxserver/*", None, ["/init"], None, ()),
    ("phusion/baseimage*", None, None, ["/sbin/my_init"], ()),
    ("hotio/*", None, ["/init"], None, ()), ("ghcr.io/hotio/*", None, ["/init"], None, ()),
    ("jlesage/*", None, ["/init"], None, ()), ("ghcr.io/hassio-addons/*", None, ["/init"], None, ()),
    ("gitlab/gitlab-runner*", None, ["/usr/bin/dumb-init", "/entrypoint"],
     ["run", "--user=gitlab-runner", "--working-directory=/home/gitlab-runner"], ()),
    ("ollama/ollama", None, ["/bin/ollama"], ["serve"], ()),
    ("myoung34/github-runner", None, ["/entrypoint.sh"], ["./bin/Runner.Listener", "run", "--startuptype", "service"],
     ()),
    ("tensorflow/tensorflow:*jupyter*", None, None, ["bash", "-c", "source /etc/bash.bashrc && jupyter notebook "
     "--notebook-dir=/tf --ip 0.0.0.0 --no-browser --allow-root"], ()),
    ("restic/restic", None, ["/usr/bin/restic"], None, ()), ("rclone/rclone", None, ["rclone"], None, ()),
    ("certbot/certbot", None, ["certbot"], None, ()), ("amazon/aws-cli", None, ["/usr/local/bin/aws"], None, ()),
    ("gcr.io/kaniko-project/executor*", None, ["/kaniko/executor"], None, ()),
    ("ros", None, ["/ros_entrypoint.sh"], ["bash"], ()), ("osrf/ros", None, ["/ros_entrypoint.sh"], ["bash"], ()),
    ("condaforge/*", None, ["tini", "--"], ["/bin/bash"], ()),
    ("gcr.io/distroless/python3*", None, ["/usr/bin/python3"], None, ()),
    ("gcr.io/distroless/java*", None, ["/usr/bin/java", "-jar"], None, ()),
    ("gcr.io/distroless/nodejs*", None, ["/nodejs/bin/node"], None, ()),
    ("gcr.io/distroless/*", None, None, None, ()),
    # .NET's chiseled images run as their non-root `app` user (uid 1654); the others start as root
    ("mcr.microsoft.com/dotnet/*:*chiseled*", "app", None, None, ()),
    ("mcr.microsoft.com/dotnet/*", None, None, None, ()),
    # language images: a REPL
    ("node", None, ["docker-entrypoint.sh"], ["node"], ()),
    ("python", None, None, ["python3"], ()), ("pypy", None, None, ["pypy3"], ()),
    ("ruby", None, None, ["irb"], ()), ("php", None, ["docker-php-entrypoint"], ["php", "-a"], ()),
    *((name, None, None, ["jshell"], ()) for name in _JDKS),
    ("maven", None, ["/usr/local/bin/mvn-entrypoint.sh"], ["mvn"], ()), ("gradle", None, None, ["gradle"], ()),
    ("elixir", None, None, ["iex"], ()), ("erlang", None, None, ["erl"], ()),
    ("julia", None, None, ["julia"], ()), ("r-base", None, None, ["R"], ()),
    ("haskell", None, None, ["ghci"], ()), ("perl", None, None, ["perl", "-de0"], ()),
    ("clojure", None, None, ["lein", "repl"], ()),
    # distributions: a shell
    ("alpine", None, None, ["/bin/sh"], ()), ("busybox", None, None, ["sh"], ()),
    ("scratch", None, None, None, ()),
    *((name, None, None, ["bash"], ()) for name in _DISTROS),
]

#: A test of who runs the script: a drop under it is the official images' guard, not an opt-in.
USER_CHECK = r"id\s+-u|id\s+-un|id\s+-nu|\$\{?EUID|\$\{?UID\b|whoami|\$\(id\)|\$\{?USER\b|getent|LOGNAME"

#: Package-manager scripts that start the app and stay: `npm start`, `yarn dev` (npm forwards SIGTERM poorly).
PACKAGE_RUNNERS = {"npm", "yarn", "pnpm", "bun"}
SERVING_SCRIPTS = {"start", "dev", "serve", "start:prod", "start:dev", "preview", "watch"}
#: Package scripts that do a job and exit (`npm run build`, `yarn test:e2e`, `pnpm db:migrate`); any other
#: script that ends an entrypoint (`yarn client`, `npm run bot`) is taken to be the app.
ONE_SHOT_SCRIPTS = re.compile(r"^(pre|post)?(build|test|lint|install|ci|migrat|seed|format|fmt|check|typecheck|"
                              r"type-check|generate|gen\b|codegen|compile|clean|setup|prepare|bootstrap|db:|prisma|"
                              r"e2e|coverage|docs|audit|version|release|deploy|bundle|tsc)")

#: Options that make a server check its configuration and exit (`nginx -t`, `haproxy -c -f cfg`).
CONFIG_TEST_OPTIONS = {"nginx": {"-t", "-T"}, "haproxy": {"-c"}, "sshd": {"-t", "-T"}, "php-fpm": {"-t", "--test"},
                       "httpd": {"-t", "-S"}, "apache2": {"-t", "-S"}, "apachectl": {"-t", "configtest"},
                       "apache2ctl": {"-t", "configtest"}, "varnishd": {"-C"}, "named-checkconf": None,
                       "caddy": {"validate", "fmt"}, "traefik": {"healthcheck"}}

#: Options that make a server do a one-off job and exit (`mysqld --initialize`, `postgres --single`).
JOB_OPTIONS = {"mysqld": {"--bootstrap", "--initialize", "--initialize-insecure"},
               "mariadbd": {"--bootstrap", "--initialize", "--initialize-insecure"},
               "postgres": {"--single", "--boot", "--describe-config"}, "redis-server": {"--test-memory"}}

#: Words in the name of a program privlint does not know that say it does a job and exits
#: (`borgmatic-init`, `db_migrate.sh`, `install-plugins`), unless the name also says it serves.
JOB_NAME_WORDS = {"init", "setup", "migrate", "migrator", "migration", "migrations", "install", "backup", "seed",
                  "bootstrap", "configure", "provision", "healthcheck", "cleanup", "build", "test", "tests", "restore",
                  "prune"}

#: Application scripts whose first operand is a task, and the tasks that do a job and exit:
#: `python manage.py migrate`, `php artisan config:cache` (their serving tasks are in FOREGROUND_SERVERS).
FILE_TASKS = {
    "manage.py": {"migrate", "makemigrations", "collectstatic", "createsuperuser", "loaddata", "dumpdata",
                  "compilemessages", "makemessages", "check", "test", "flush", "createcachetable", "showmigrations",
                  "sqlmigrate", "clearsessions", "wait_for_db", "compress", "migrate_schemas", "update_index",
                  "rebuild_index", "search_index", "remove_stale_contenttypes"},
    "artisan": {"migrate", "migrate:fresh", "migrate:refresh", "db:seed", "key:generate", "config:cache",
                "config:clear", "route:cache", "route:clear", "view:cache", "view:clear", "event:cache", "optimize",
                "optimize:clear", "cache:clear", "storage:link", "package:discover", "queue:restart",
                "vendor:publish", "down", "up", "filament:upgrade", "livewire:publish"},
}

#: Task runners whose tasks are jobs, except the ones that serve: `rails db:migrate` exits, `rails s` serves.
TASK_RUNNERS = {"rails": {"s", "server", "c", "console", "runner"}, "rake": {"jobs:work", "resque:work"}}

#: Words in a program's own name that say it runs the service (`runner.sh`, `start-server`, `run_bot.py`).
SERVICE_NAME_WORDS = {"run", "runner", "start", "serve", "server", "daemon", "agent", "worker", "bot", "service"}

#: Words after a server's sub-command that make it a short job (`jupyter notebook list`, `celery ... status`).
NOT_SERVING_WORDS = {"list", "stop", "status", "password", "--version", "--help", "-h", "version", "inspect",
                     "--generate-config"}

#: Programs that serve in the foreground until stopped, so a command after one on the same path runs only
#: once the server has exited: (program name, sub-command or None for any).

FOREGROUND_SERVERS = {
    "gunicorn": None, "uvicorn": None, "hypercorn": None, "daphne": None, "uwsgi": None, "waitress-serve": None,
    "apache2-foreground": None, "httpd-foreground": None, "redis-server": None, "postgres": None, "mysqld": None,
    "mariadbd": None, "puma": None, "unicorn": None, "kafka-server-start.sh": None, "traefik": None,
    "zookeeper-server-start.sh": None, "manage.py": {"runserver", "runserver_plus", "run_huey", "qcluster"},
    "flask": {"run"}, "rails": {"s", "server"}, "streamlit": {"run"}, "jupyter": {"lab", "notebook", "server"},
    "celery": {"worker", "beat"}, "caddy": {"run"}, "catalina.sh": {"run"}, "php": {"-S"},
    "artisan": {"serve", "octane:start", "queue:work"}, "npm": SERVING_SCRIPTS, "yarn": SERVING_SCRIPTS,
    "pnpm": SERVING_SCRIPTS, "nginx": {"-g"}, "supervisord": {"-n", "--nodaemon"}, "sshd": {"-D"},
    "crond": {"-f"}, "php-fpm": {"-F", "--nodaemonize"}, "mlflow": {"server", "ui"}, "airflow": {"webserver",
    "scheduler"}, "dotnet": None,
}
#: Options that send a server to the background: then it does not hold the shell.
DAEMON_OPTIONS = {"--daemon", "--daemonize", "--detach", "--fork", "--background", "-daemon", "--daemonize=yes"}
#: Servers whose own option sends them to the background (`haproxy -D`; for sshd, -D means the opposite).
DAEMON_FLAGS = {"haproxy": ("-D", "-db"), "squid": ("-D",), "php-fpm": ("-D",), "pg_ctl": ("start",), "dnsmasq": (),
                "crond": ("-b",), "apachectl": ("start",), "apache2ctl": ("start",), "httpd": ("-k",)}

#: Files scripts source for their environment, which define no program privlint needs to see: a
#: virtualenv's activate, the OS release file, shell profiles, nvm, conda, SDKMAN.
ENVIRONMENT_FILES = ("*/bin/activate", "/etc/os-release", "/usr/lib/os-release", "/etc/profile", "*/.profile",
                     "*/.bashrc", "*/.bash_profile", "/etc/environment", "*/nvm.sh", "*/conda.sh",
                     "*/sdkman-init.sh", "*/.cargo/env", "*/rvm/scripts/rvm", "/etc/default/*", "*.env")

# -- downloads ------------------------------------------------------------------------------------------
#: Files that are data, not code, when they are only unpacked or moved (never when run or made executable).
DATA_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".json", ".csv", ".txt", ".md", ".png", ".jpg", ".jpeg",
                 ".gif", ".svg", ".ico", ".html", ".css", ".xml", ".yml", ".yaml", ".conf", ".ini", ".toml",
                 ".mmdb", ".dat", ".db", ".sqlite", ".bin.gz", ".pbf", ".traineddata", ".onnx", ".pt",
                 ".safetensors", ".gguf", ".mp3", ".wav", ".ogg", ".zst.data")
DATA_FOLDERS = ("/usr/share/fonts", "/usr/share/nginx/html", "/usr/share/GeoIP", "/data",
                 "/usr/share/tessdata", "/models")
#: Words in a download's name or where it is unpacked that say it is data (fonts, GeoIP databases, OCR
#: language files, game asset sets): `GeoLite2-City.tar.gz`, `unzip fonts.zip -d ~/.fonts`.
DATA_WORDS = re.compile(r"(?i)(^|[/_.=-])(\.?fonts?|geolite2?|geoip2?|maxmind|tessdata|baseset)([/_.-]|$)")
CODE_FOLDERS = re.compile(r"(^|/)(s?bin|lib|lib64|libexec|opt)(/|$)")
BIN_FOLDERS = re.compile(r"(^|/)s?bin$")
#: Folders a program loads libraries and plugins from, and the files it loads there as code: a jar fetched into
#: `/opt/flink/lib/` or a server's `plugins/` runs in the program with no step of its own.
LOADED_FOLDERS = re.compile(r"(^|/)(lib|lib64|libs|plugins|extensions|jars|modules)(/|$)")
LOADED_SUFFIXES = (".jar", ".war", ".ear", ".hpi", ".jpi", ".so")
PACKAGE_INSTALLERS = {"dpkg": ("-i", "--install"), "rpm": ("-i", "-U", "-ivh", "-Uvh", "-iv", "-Uv", "--install",
                                                     "--upgrade"),
               "apt-get": ("install",), "apt": ("install",), "yum": ("localinstall", "install"),
               "dnf": ("localinstall", "install"), "microdnf": ("install",), "zypper": ("install", "in"),
               "gdebi": (), "pip": ("install",), "pip3": ("install",)}
FILE_RUNNERS = {"java": "java -jar", "python": "python", "python3": "python", "node": "node", "php": "php",
            "perl": "perl", "ruby": "ruby", "sh": "sh", "bash": "bash", "ash": "sh", "dash": "sh", "zsh": "zsh",
            "ksh": "ksh", "deno": "deno", "bun": "bun", ".": "sourced", "source": "sourced"}
COMPILERS = {"make", "cmake", "gcc", "cc", "g++", "clang", "go", "cargo", "ninja", "meson", "mvn", "gradle"}
ARCHIVERS = {"unzip", "bsdtar", "7z", "7za", "7zr", "cpio"}
