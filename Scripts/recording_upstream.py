#!/usr/bin/env python3
"""A small upstream MCP server for tests: a fake cluster that records every call it gets.

    python3 Scripts/recording_upstream.py --port PORT --record FILE
    python3 Scripts/recording_upstream.py --stdio --record FILE

Serves Streamable HTTP at http://127.0.0.1:PORT/mcp, or stdio (both protocol eras, with the
official `mcp` package's MCPServer), with `pods_log` (a read: answers canned log lines) and
`resources_scale` (a write: answers what it would scale). Each call is appended to FILE as one
JSON line `{"tool", "arguments", "authorization"}`, so a test can assert exactly which calls
reached the upstream, with which arguments and which credentials: over HTTP the request's
`Authorization` header, over stdio the process's `K8S_TOKEN` variable.
"""
import argparse
import json
import os
import threading

from mcp.server.mcpserver import Context, MCPServer  # noqa: F401  (Context: the request's headers)

LOCK = threading.Lock()


def main():
    parser = argparse.ArgumentParser(description="A recording upstream MCP server.")
    parser.add_argument("--port", type=int)
    parser.add_argument("--stdio", action="store_true")
    parser.add_argument("--record", required=True)
    args = parser.parse_args()
    server = MCPServer("fake-cluster")

    def record(tool, arguments, context):
        authorization = os.environ.get("K8S_TOKEN") if args.stdio else None
        try:
            request = context.request_context.request
            if request is not None:
                authorization = request.headers.get("authorization")
        except (AttributeError, ValueError):
            pass
        with LOCK, open(args.record, "a") as handle:
            handle.write(json.dumps({"tool": tool, "arguments": arguments, "authorization": authorization}) + "\n")

    @server.tool()
    def pods_log(namespace: str, name: str, container: str = "", ctx: Context = None) -> str:
        """The last log lines of a pod."""
        record("pods_log", {"namespace": namespace, "name": name, "container": container}, ctx)
        return f"{namespace}/{name}: panic: connection refused (redis:6379)\n{namespace}/{name}: exiting"

    @server.tool()
    def resources_scale(namespace: str, name: str, scale: int, ctx: Context = None) -> str:
        """Scale a deployment."""
        record("resources_scale", {"namespace": namespace, "name": name, "scale": scale}, ctx)
        return f"deployment {namespace}/{name} scaled to {scale}"

    if args.stdio:
        server.run()
    else:
        server.run("streamable-http", host="127.0.0.1", port=args.port, streamable_http_path="/mcp")


if __name__ == "__main__":
    main()
