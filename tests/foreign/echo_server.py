"""A gRPC server written with Python grpcio, for testing the generator against an implementation
other than its own: acme.echo.v1.EchoService (protos/acme/echo/v1/echo.proto), with optional
faults in Converse so that the generator's correlation counts can be checked end to end.

Usage: /usr/bin/python3 echo_server.py --gen-dir DIR [--drop-every N] [--duplicate-every N]
       [--swap-every N] [--bad-every N] [--garbage-every N] [--max-seconds S]
DIR holds echo_pb2.py (protoc --python_out). Binds 127.0.0.1 on an ephemeral port, prints
"listening on 127.0.0.1:PORT" and serves until SIGTERM or its parent exits, at most --max-seconds.
Fault N counts the Converse notes of each stream from 1: every Nth note is dropped (no reply),
answered twice, answered after the next one, answered with ok=false, or answered with bytes that
do not parse as a Reply.
Say also answers as gRPC's interop servers do: request metadata x-grpc-test-echo-initial comes
back in the initial metadata and x-grpc-test-echo-trailing-bin in the trailing metadata; with
x-echo-status-code (and x-echo-status-message-bin, UTF-8 bytes) the call ends with that status.
"""
import argparse
import ctypes
import signal
import sys
import threading
from concurrent import futures

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen-dir", required=True)
    for fault in ("drop", "duplicate", "swap", "bad", "garbage"):
        parser.add_argument(f"--{fault}-every", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    sys.path.insert(0, args.gen_dir)
    from acme.echo.v1 import echo_pb2  # noqa: E402 (generated at test time)

    def every(n, i):
        return n > 0 and i % n == 0

    def reply_bytes(reply):
        return reply.SerializeToString()

    # Not a valid Reply: field 1 declared length-delimited with a length past the end.
    garbage = b"\x0a\x7f\x01"

    def say(note, context):
        metadata = dict(context.invocation_metadata())
        if "x-grpc-test-echo-initial" in metadata:
            context.send_initial_metadata(
                (("x-grpc-test-echo-initial", metadata["x-grpc-test-echo-initial"]),))
        if "x-grpc-test-echo-trailing-bin" in metadata:
            context.set_trailing_metadata(
                (("x-grpc-test-echo-trailing-bin", metadata["x-grpc-test-echo-trailing-bin"]),))
        if "x-echo-status-code" in metadata:
            code = int(metadata["x-echo-status-code"])
            context.abort(next(c for c in grpc.StatusCode if c.value[0] == code),
                          metadata.get("x-echo-status-message-bin", b"").decode("utf-8"))
        return reply_bytes(echo_pb2.Reply(reply_to=note.id, text="echo: " + note.text, ok=True))

    def follow(note, context):
        for i in range(note.replies):
            yield reply_bytes(echo_pb2.Reply(reply_to=note.id, text=note.text, ok=True, index=i))

    def upload(notes, context):
        count = 0
        last = ""
        for note in notes:
            count += 1
            last = note.id
        return reply_bytes(echo_pb2.Reply(reply_to=last, ok=True, index=count))

    def converse(notes, context):
        held = None
        for i, note in enumerate(notes, start=1):
            if every(args.drop_every, i):
                continue
            reply = echo_pb2.Reply(reply_to=note.id, text="echo: " + note.text,
                                   ok=not every(args.bad_every, i))
            out = garbage if every(args.garbage_every, i) else reply_bytes(reply)
            if every(args.swap_every, i):
                held = out
                continue
            yield out
            if held is not None:
                yield held
                held = None
            if every(args.duplicate_every, i):
                yield out
        if held is not None:
            yield held

    parse_note = echo_pb2.Note.FromString
    handlers = {
        "Say": grpc.unary_unary_rpc_method_handler(say, request_deserializer=parse_note),
        "Follow": grpc.unary_stream_rpc_method_handler(follow, request_deserializer=parse_note),
        "Upload": grpc.stream_unary_rpc_method_handler(upload, request_deserializer=parse_note),
        "Converse": grpc.stream_stream_rpc_method_handler(converse,
                                                          request_deserializer=parse_note),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("acme.echo.v1.EchoService", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    # Linux: SIGTERM when the test that started us exits, however it exits.
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    done.wait(args.max_seconds)
    server.stop(grace=0.5).wait()


if __name__ == "__main__":
    main()
