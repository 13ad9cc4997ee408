# nginx:1.27 (nginxinc/docker-nginx mainline/debian) as layerlab builds it: the official
# Dockerfile instruction for instruction (tools/build_official_images.py checks that), with its
# big RUN done on Debian's own packages, since nginx.org's repository cannot be reached here:
# nginx 1.22 with the same dynamic modules (xslt, geoip, image-filter; no njs in bookworm),
# laid out as nginx.org's package lays it out (conf.d/default.conf, /var/cache/nginx, no
# sites-enabled). docker history keeps the official RUN's text.
FROM debian:bookworm-slim
LABEL maintainer="NGINX Docker Maintainers <docker-maint@nginx.com>"
ENV NGINX_VERSION   1.27.4
ENV NJS_VERSION     0.8.9
ENV NJS_RELEASE     1~bookworm
ENV PKG_RELEASE     1~bookworm
ENV DYNPKG_RELEASE  1~bookworm
RUN set -x \
    && groupadd --system --gid 101 nginx \
    && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx \
    && apt-get update \
    && apt-get install --no-install-recommends --no-install-suggests -y \
        nginx libnginx-mod-http-xslt-filter libnginx-mod-http-geoip libnginx-mod-http-image-filter \
        gettext-base curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /etc/nginx/conf.d /var/cache/nginx \
    && mv /etc/nginx/sites-available/default /etc/nginx/conf.d/default.conf \
    && rm -rf /etc/nginx/sites-available /etc/nginx/sites-enabled /etc/nginx/modules-enabled /var/www \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log \
    && mkdir /docker-entrypoint.d
COPY docker-entrypoint.sh /
COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d
COPY 15-local-resolvers.envsh /docker-entrypoint.d
COPY 20-envsubst-on-templates.sh /docker-entrypoint.d
COPY 30-tune-worker-processes.sh /docker-entrypoint.d
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
