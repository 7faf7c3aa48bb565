# Sourced by the bench scripts that start a server which picks its own port (grpc-go's benchmark
# server with -port=0 prints none): listening_port PID prints the TCP port process PID listens
# on, or nothing while it listens on none. Needs ss (iproute2).
listening_port() {
  ss -ltnpH 2>/dev/null |
    awk -v pid="pid=$1," 'index($0, pid) {n = split($4, a, ":"); print a[n]; exit}'
}
