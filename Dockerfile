# newsenrich — the service image (Debian 12).
#
#   docker build -t newsenrich .
#   docker run --rm -v "$PWD/config/docker.json:/etc/newsenrich/config.json:ro" \
#       -e NEWSENRICH_WEBHOOK_SECRET=whsec_... newsenrich
#
# Used by docker-compose.yml. The build stage compiles with the same Debian
# packages as a developer machine; the runtime stage carries only the shared
# libraries, the binary and models/ (entities.model defaults to the relative
# path models/ner.model, hence WORKDIR /opt/newsenrich).

FROM debian:bookworm-slim AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        build-essential pkg-config \
        libcld2-dev \
        librdkafka-dev libyajl-dev libcurl4-openssl-dev libssl-dev \
        libmicrohttpd-dev libxml2-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# Never reuse objects built on the host; `make all` because the Makefile's
# first target (its default goal) is `tools`, which builds nothing.
RUN rm -rf build build-asan \
 && make -j"$(nproc)" all \
 && mkdir -p models


FROM debian:bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libcld2-0 libstdc++6 \
        librdkafka1 libyajl2 libcurl4 libssl3 libmicrohttpd12 libxml2 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /opt/newsenrich --shell /usr/sbin/nologin newsenrich

WORKDIR /opt/newsenrich
COPY --from=build /src/build/newsenrich build/newsenrich
COPY --from=build /src/models models

USER newsenrich
# metrics.listen in config/docker.json
EXPOSE 9464
CMD ["build/newsenrich", "run", "-c", "/etc/newsenrich/config.json"]
