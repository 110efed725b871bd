#!/usr/bin/env bash
# Edge benchmark: GlassCast serving a ~1 MB segment from its in-process cache against nginx
# serving the same bytes from disk, both with wrk at the same concurrency, in one run.
#   bench/edge/run.sh [connections] [seconds]
# Needs the built jar (./glasscast build), ffmpeg, nginx and wrk (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-100}
seconds=${2:-15}
work=$(mktemp -d)
daemon=""; nginx_pid=""
trap '[ -n "$daemon" ] && kill $daemon 2>/dev/null; [ -n "$nginx_pid" ] && kill $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT

source bench/daemon.sh

http=18081; rtmp=11936; nginx_port=18082; key=bench-key
start_daemon "$work" "$http" "$rtmp" "$key"

# 4 Mbit/s with a 2 s GOP gives segments of about 1 MB.
ffmpeg -hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=sample_rate=48000 \
  -t 8 -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -sc_threshold 0 -b:v 4M -maxrate 4M -bufsize 4M -pix_fmt yuv420p \
  -c:a aac -f flv "rtmp://127.0.0.1:$rtmp/live/$key"
sleep 1
playlist=$(curl -sf "http://127.0.0.1:$http/live/main/source/index.m3u8")
segment=$(echo "$playlist" | grep '^seg' | sed -n 2p)
url="http://127.0.0.1:$http/live/main/source/$segment"
mkdir -p "$work/www"
curl -sf "$url" -o "$work/www/segment.m4s"
size=$(stat -c %s "$work/www/segment.m4s")

cat > "$work/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes auto;
user $(id -un);
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3; uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;
  server { listen 127.0.0.1:$nginx_port; root $work/www; types { video/iso.segment m4s; } }
}
NGINX
/usr/sbin/nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
until curl -sf "http://127.0.0.1:$nginx_port/segment.m4s" -o /dev/null; do sleep 0.2; done

# Warm both (GlassCast's cache, the JIT; nginx's page cache).
wrk -t2 -c"$connections" -d3s "$url" >/dev/null
wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$nginx_port/segment.m4s" >/dev/null

glasscast=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$url")
nginx=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$nginx_port/segment.m4s")
g_rps=$(echo "$glasscast" | awk '/Requests\/sec/ {print $2}')
n_rps=$(echo "$nginx" | awk '/Requests\/sec/ {print $2}')
echo "segment bytes: $size, connections: $connections, duration: ${seconds}s, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--- GlassCast (in-process cache)"; echo "$glasscast"
echo "--- nginx (sendfile from disk)"; echo "$nginx"
echo "requests/s: glasscast=$g_rps nginx=$n_rps ratio=$(awk -v g="$g_rps" -v n="$n_rps" 'BEGIN {printf "%.2f", g / n}')"
