# golang:1.22 (docker-library/golang 1.X/bookworm/Dockerfile; ../shared/conformance/real has the
# 1.27 trixie one, the same shape) as layerlab builds it. The official image is
# buildpack-deps:bookworm-scm (debian:bookworm + a curl RUN + an scm RUN; their two RUNs are
# written out here, as buildpack-deps' Dockerfiles have them) + gcc & co + the Go tarball
# unpacked to /usr/local/go in a build stage and copied in with COPY --link. The tarball cannot
# be fetched from here: the build stage takes Debian's own Go 1.22 (bookworm-backports'
# golang-1.22-go and golang-1.22-src, the same tree: bin, pkg/tool, src...) and moves it where
# the tarball puts it. The final stage is the official one instruction for instruction.
FROM debian:bookworm-slim AS build
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends golang-1.22-go golang-1.22-src; \
	rm -rf /var/lib/apt/lists/*; \
	mkdir -p /target/usr/local/go/pkg; \
	cd /usr/lib/go-1.22; \
	mv VERSION go.env bin /target/usr/local/go/; \
	mv pkg/tool /target/usr/local/go/pkg/; \
	cd /usr/share/go-1.22; \
	mv pkg/include /target/usr/local/go/pkg/; \
	for d in src api misc test lib doc; do if [ -e "$d" ]; then mv "$d" /target/usr/local/go/; fi; done

FROM debian:bookworm
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		ca-certificates \
		curl \
		gnupg \
		netbase \
		wget \
	; \
	rm -rf /var/lib/apt/lists/*
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		git \
		mercurial \
		openssh-client \
		subversion \
		procps \
	; \
	rm -rf /var/lib/apt/lists/*
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		g++ \
		gcc \
		libc6-dev \
		make \
		pkg-config \
	; \
	rm -rf /var/lib/apt/lists/*
ENV GOLANG_VERSION 1.22.12
ENV GOTOOLCHAIN=local
ENV GOPATH /go
ENV PATH $GOPATH/bin:/usr/local/go/bin:$PATH
COPY --from=build --link /target/ /
RUN mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"
WORKDIR $GOPATH
