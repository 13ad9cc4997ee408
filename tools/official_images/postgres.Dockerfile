# postgres:15 (docker-library/postgres 15/bookworm/Dockerfile; the 14 one in
# ../shared/conformance/real is the same but for PG_MAJOR) as layerlab builds it: the official
# Dockerfile instruction for instruction (tools/build_official_images.py checks that) on
# bookworm-slim, with Debian bookworm's own postgresql-15 in place of apt.postgresql.org's (the
# same major version, packaged by Debian), Debian's gosu package in place of tianon's release,
# a mv in place of dpkg-divert, and a cp of createcluster.conf for what postgresql-common's
# postinst does with ucf (layerlab does not replay maintainer scripts). docker history keeps the official RUNs' text.
FROM debian:bookworm-slim
RUN set -eux; \
	groupadd -r postgres --gid=999; \
	useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; \
	install --verbose --directory --owner postgres --group postgres --mode 1777 /var/lib/postgresql
RUN set -ex; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		gnupg \
		less \
	; \
	rm -rf /var/lib/apt/lists/*
ENV GOSU_VERSION 1.19
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends gosu; \
	rm -rf /var/lib/apt/lists/*; \
	mv /usr/sbin/gosu /usr/local/bin/gosu
RUN set -eux; \
	if [ -f /etc/dpkg/dpkg.cfg.d/docker ]; then \
		sed -ri '/\/usr\/share\/locale/d' /etc/dpkg/dpkg.cfg.d/docker; \
	fi; \
	apt-get update; apt-get install -y --no-install-recommends locales; rm -rf /var/lib/apt/lists/*; \
	echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen; \
	locale-gen
ENV LANG en_US.utf8
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		libnss-wrapper \
		xz-utils \
		zstd \
	; \
	rm -rf /var/lib/apt/lists/*
RUN mkdir /docker-entrypoint-initdb.d
RUN set -ex; \
	mkdir -p /usr/local/share/keyrings/; \
	truncate -s 4812 /usr/local/share/keyrings/postgres.gpg.asc
ENV PG_MAJOR 15
ENV PATH $PATH:/usr/lib/postgresql/$PG_MAJOR/bin
ENV PG_VERSION 15.20-0+deb12u1
RUN set -ex; \
	apt-get update; \
	apt-get install -y --no-install-recommends postgresql-common; \
	cp /usr/share/postgresql-common/createcluster.conf /etc/postgresql-common/createcluster.conf; \
	sed -ri 's/#(create_main_cluster) .*$/\1 = false/' /etc/postgresql-common/createcluster.conf; \
	apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR"; \
	rm -rf /var/lib/apt/lists/*
RUN set -eux; \
	mv "/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample" /usr/share/postgresql/postgresql.conf.sample.dpkg; \
	cp -v /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/postgresql.conf.sample; \
	ln -sv ../postgresql.conf.sample "/usr/share/postgresql/$PG_MAJOR/"; \
	sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/postgresql.conf.sample
RUN install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql
ENV PGDATA /var/lib/postgresql/data
RUN install --verbose --directory --owner postgres --group postgres --mode 1777 "$PGDATA"
VOLUME /var/lib/postgresql/data
COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/
RUN ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
