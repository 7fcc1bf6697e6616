#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A minimal CRI (runtime.v1) client for tests/engines/cri.bats, on Debian's python3-grpcio.

    cri-client.py SOCKET COMMAND ARGS...

Commands (one RPC each; results on stdout, errors on stderr with exit status 1):
    version                          -> JSON VersionResponse
    runp HANDLER POD.json            -> the pod sandbox id
    create POD_ID CTR.json POD.json  -> the container id
    start|stop|rm CTR_ID             (stop takes an optional timeout in seconds)
    status CTR_ID                    -> JSON ContainerStatus (state as its enum name)
    podstatus POD_ID                 -> JSON PodSandboxStatus
    stopp|rmp POD_ID
    exec CTR_ID TIMEOUT CMD...       -> JSON {"stdout", "stderr", "exit_code"}

POD.json and CTR.json are PodSandboxConfig / ContainerConfig in protobuf JSON form. The
cri_pb2 module comes from `protoc --python_out=DIR cri.proto`; DIR is taken from
$CRI_PB2_DIR. Methods are called by name through grpc's generic unary_unary, so no grpc
code generator is needed.
"""
import json
import os
import sys

sys.path.insert(0, os.environ.get("CRI_PB2_DIR", os.path.dirname(os.path.abspath(__file__))))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

import cri_pb2 as pb  # noqa: E402

SERVICE = "/runtime.v1.RuntimeService/"


def call(channel, method, request, response_type, timeout=120):
    rpc = channel.unary_unary(SERVICE + method,
                              request_serializer=request.__class__.SerializeToString,
                              response_deserializer=response_type.FromString)
    return rpc(request, timeout=timeout)


def load(path, message):
    with open(path, encoding="utf-8") as f:
        return json_format.Parse(f.read(), message)


def dump(message):
    print(json_format.MessageToJson(message, preserving_proto_field_name=True,
                                    including_default_value_fields=True))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    channel = grpc.insecure_channel("unix://" + argv[1])
    cmd, args = argv[2], argv[3:]
    if cmd == "version":
        dump(call(channel, "Version", pb.VersionRequest(version="v1"), pb.VersionResponse))
    elif cmd == "runp":
        req = pb.RunPodSandboxRequest(config=load(args[1], pb.PodSandboxConfig()), runtime_handler=args[0])
        print(call(channel, "RunPodSandbox", req, pb.RunPodSandboxResponse).pod_sandbox_id)
    elif cmd == "create":
        req = pb.CreateContainerRequest(pod_sandbox_id=args[0], config=load(args[1], pb.ContainerConfig()),
                                        sandbox_config=load(args[2], pb.PodSandboxConfig()))
        print(call(channel, "CreateContainer", req, pb.CreateContainerResponse).container_id)
    elif cmd == "start":
        call(channel, "StartContainer", pb.StartContainerRequest(container_id=args[0]), pb.StartContainerResponse)
    elif cmd == "stop":
        req = pb.StopContainerRequest(container_id=args[0], timeout=int(args[1]) if len(args) > 1 else 0)
        call(channel, "StopContainer", req, pb.StopContainerResponse)
    elif cmd == "rm":
        call(channel, "RemoveContainer", pb.RemoveContainerRequest(container_id=args[0]), pb.RemoveContainerResponse)
    elif cmd == "status":
        dump(call(channel, "ContainerStatus", pb.ContainerStatusRequest(container_id=args[0]),
                  pb.ContainerStatusResponse).status)
    elif cmd == "podstatus":
        dump(call(channel, "PodSandboxStatus", pb.PodSandboxStatusRequest(pod_sandbox_id=args[0]),
                  pb.PodSandboxStatusResponse).status)
    elif cmd == "stopp":
        call(channel, "StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=args[0]), pb.StopPodSandboxResponse)
    elif cmd == "rmp":
        call(channel, "RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]),
             pb.RemovePodSandboxResponse)
    elif cmd == "exec":
        req = pb.ExecSyncRequest(container_id=args[0], timeout=int(args[1]), cmd=args[2:])
        r = call(channel, "ExecSync", req, pb.ExecSyncResponse, timeout=int(args[1]) + 30)
        print(json.dumps({"stdout": r.stdout.decode("utf-8", "replace"),
                          "stderr": r.stderr.decode("utf-8", "replace"), "exit_code": r.exit_code}))
    else:
        print("cri-client.py: unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except grpc.RpcError as e:
        print("cri-client.py: %s: %s: %s" % (sys.argv[2], e.code().name, e.details()), file=sys.stderr)
        sys.exit(1)
