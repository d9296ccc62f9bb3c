# Local stand-in for redis:7, built by base-images.sh: Debian bookworm's redis-server (7.0).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
# As the official image does without a config file: listen on every interface, protected mode off.
CMD ["redis-server", "--protected-mode", "no"]
