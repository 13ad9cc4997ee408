# redis:7 (docker-library/redis 7.x/debian/Dockerfile) as layerlab builds it: the official
# Dockerfile instruction for instruction (tools/build_official_images.py checks that) on
# bookworm-slim; gosu is Debian's gosu package (the official downloads tianon's release) and the
# compiling RUN is Debian's redis-server and redis-tools 7.0 files moved to /usr/local/bin, where
# `make install` puts them (redis-server the binary, redis-check-* and redis-sentinel links to
# it). REDIS_VERSION is the version of those files; the tarball's checksum is not known here. docker history keeps the official RUNs' text.
FROM debian:bookworm-slim
RUN set -eux; \
	groupadd -r -g 999 redis; \
	useradd -r -g redis -u 999 redis
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		tzdata \
	; \
	rm -rf /var/lib/apt/lists/*
ENV GOSU_VERSION 1.17
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends gosu; \
	rm -rf /var/lib/apt/lists/*; \
	mv /usr/sbin/gosu /usr/local/bin/gosu
ENV REDIS_VERSION 7.0.15
ENV REDIS_DOWNLOAD_URL http://download.redis.io/releases/redis-7.0.15.tar.gz
ENV REDIS_DOWNLOAD_SHA unknown-to-layerlab
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends redis-server; \
	rm -rf /var/lib/apt/lists/*; \
	mv /usr/bin/redis-check-rdb /usr/local/bin/redis-server; \
	rm /usr/bin/redis-server /usr/bin/redis-check-aof; \
	mv /usr/bin/redis-cli /usr/bin/redis-benchmark /usr/local/bin/; \
	for f in redis-check-aof redis-check-rdb redis-sentinel; do ln -s redis-server /usr/local/bin/$f; done; \
	rm -rf /etc/redis
RUN mkdir /data && chown redis:redis /data
VOLUME /data
WORKDIR /data
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
