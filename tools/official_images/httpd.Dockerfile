# httpd:2.4 (docker-library/httpd 2.4/Dockerfile) as layerlab builds it: the official Dockerfile
# instruction for instruction (tools/build_official_images.py checks that) on bookworm-slim, its
# compiling RUN replaced by Debian's own apache2-bin 2.4 files moved where `make install` with
# --prefix=/usr/local/apache2 puts them (bin/httpd, modules/, error/, icons/); conf/httpd.conf is
# sized as the real one, contents not known; Debian's perl, which apache2-bin depends on and the
# compiled httpd does not need, is purged. docker history keeps the official RUN's text.
FROM debian:bookworm-slim
ENV HTTPD_PREFIX /usr/local/apache2
ENV PATH $HTTPD_PREFIX/bin:$PATH
RUN mkdir -p "$HTTPD_PREFIX" \
	&& chown www-data:www-data "$HTTPD_PREFIX"
WORKDIR $HTTPD_PREFIX
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends ca-certificates libaprutil1-ldap libldap-common; \
	rm -rf /var/lib/apt/lists/*
ENV HTTPD_VERSION 2.4.68
ENV HTTPD_SHA256 68c74d4df38c26bed4dfbdb8f3baf1eb532f3872357becc1bba5d136f6b63c06
ENV HTTPD_PATCHES=""
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends apache2-bin apache2-data; \
	rm -rf /var/lib/apt/lists/*; \
	dpkg --purge --force-depends perl perl-modules-5.36 libperl5.36; \
	mkdir -p bin conf/extra conf/original logs htdocs cgi-bin include build man manual; \
	mv /usr/sbin/apache2 bin/httpd; \
	mv /usr/lib/apache2/modules modules; \
	mv /usr/share/apache2/error error; \
	mv /usr/share/apache2/icons icons; \
	truncate -s 20960 conf/httpd.conf; \
	cp conf/httpd.conf conf/original/httpd.conf; \
	truncate -s 12851 conf/magic; \
	truncate -s 60847 conf/mime.types; \
	printf '<html><body><h1>It works!</h1></body></html>\n' > htdocs/index.html; \
	sed -ri -e 's!^(\s*CustomLog)\s+\S+!\1 /proc/self/fd/1!g' -e 's!^(\s*ErrorLog)\s+\S+!\1 /proc/self/fd/2!g' "$HTTPD_PREFIX/conf/httpd.conf"
STOPSIGNAL SIGWINCH
COPY httpd-foreground /usr/local/bin/
EXPOSE 80
CMD ["httpd-foreground"]
