#!/usr/bin/env python3
"""Drive a BCC key-pair endpoint (normally the simulator) with the official Python SDK.

Run by `cargo xtask interop`, which installs `bce-python-sdk` into a virtual environment,
starts the simulator, seeds instances and passes them here. Every SDK call is the one the
seed document shows: BceClientConfiguration(credentials=BceCredentials(ak, sk),
endpoint=...), then BccClient.create_keypair, import_keypair, list_keypairs, get_keypair,
attach_keypair, detach_keypair, delete_keypair, rename_keypair, update_keypair_desc.

Prints one line per check and then `N passed, M failed`; exits 1 if any check failed.

Usage:
    sdk_interop.py --endpoint http://127.0.0.1:PORT --access-key AK --secret-key SK \
        --instances i-aaa,i-bbb
"""

import argparse
import base64
import hashlib
import os
import struct
import sys
import traceback
import uuid

from baidubce.auth.bce_credentials import BceCredentials
from baidubce.bce_client_configuration import BceClientConfiguration
from baidubce.exception import BceHttpClientError, BceServerError
from baidubce.services.bcc.bcc_client import BccClient


class Checks:
    """Counts and prints checks: `ok   - what` or `FAIL - what: why`."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, condition, detail=""):
        if condition:
            self.passed += 1
            print("ok   - %s" % what, flush=True)
        else:
            self.failed += 1
            print("FAIL - %s%s" % (what, (": " + detail) if detail else ""), flush=True)
        return condition

    def equal(self, what, actual, expected):
        return self.check(what, actual == expected, "expected %r, got %r" % (expected, actual))

    def fail(self, what, error):
        self.check(what, False, "%s: %s" % (type(error).__name__, error))

    def error(self, what, call, status, code):
        """`call()` must raise the service error `code` with HTTP `status`."""
        try:
            result = call()
        except (BceHttpClientError, BceServerError) as error:
            # BceHttpClientError wraps the BceServerError of the last attempt and copies
            # its status_code and code (baidubce/http/bce_http_client.py).
            got = (error.status_code, as_text(error.code))
            self.check(what, got == (status, code), "expected %r, got %r" % ((status, code), got))
            return
        except Exception as error:  # noqa: BLE001 - any other exception is a failed check
            self.fail(what, error)
            return
        self.check(what, False, "expected %s %s, got success %.200r" % (status, code, result))


def as_text(value):
    return value.decode() if isinstance(value, bytes) else value


def random_rsa_public_key(comment):
    """A well-formed, unique `ssh-rsa` line (random 2048-bit modulus, e = 65537)."""

    def string(data):
        return struct.pack(">I", len(data)) + data

    modulus = bytearray(os.urandom(256))
    modulus[0] |= 0x80
    modulus[-1] |= 1
    blob = string(b"ssh-rsa") + string(b"\x01\x00\x01") + string(b"\x00" + bytes(modulus))
    return "ssh-rsa %s %s" % (base64.b64encode(blob).decode(), comment)


def md5_fingerprint(public_key_line):
    """MD5 of the key blob, colon-separated lower-case hex (keypair-api.md §4)."""
    digest = hashlib.md5(base64.b64decode(public_key_line.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def make_client(endpoint, access_key, secret_key):
    # Exactly the documented set-up; the default retry policy only retries 5xx and
    # connection errors, so the 4xx checks below answer at once.
    config = BceClientConfiguration(credentials=BceCredentials(access_key, secret_key),
                                    endpoint=endpoint)
    return BccClient(config)


def run(args, checks):
    client = make_client(args.endpoint, args.access_key, args.secret_key)
    instances = [i for i in args.instances.split(",") if i]
    run_id = uuid.uuid4().hex[:6]
    created = []

    def name(hint):
        return "py%s-%s" % (run_id, hint)

    try:
        # create, with and without a description (the SDK sends "description": null then).
        response = client.create_keypair(keypair_name=name("one"), keypair_desc="interop 描述")
        keypair = response.keypair
        created.append(keypair.keypair_id)
        checks.check("create_keypair returns a k- id", keypair.keypair_id.startswith("k-"),
                     repr(keypair.keypair_id))
        checks.equal("create_keypair name", keypair.name, name("one"))
        checks.equal("create_keypair description", keypair.description, "interop 描述")
        checks.check("create_keypair privateKey is PEM",
                     (keypair.private_key or "").startswith("-----BEGIN"),
                     repr((keypair.private_key or "")[:30]))
        checks.equal("create_keypair fingerPrint is the MD5 of publicKey",
                     keypair.finger_print, md5_fingerprint(keypair.public_key))
        checks.equal("create_keypair instanceCount", keypair.instance_count, 0)
        first_id = keypair.keypair_id

        response = client.create_keypair(keypair_name=name("two"))
        created.append(response.keypair.keypair_id)
        checks.equal("create_keypair without description", response.keypair.description, "")

        # import (the SDK's positional order is name, description, public key: use keywords)
        public_key = random_rsa_public_key("interop@python")
        response = client.import_keypair(keypair_name=name("imported"), public_key=public_key,
                                         keypair_desc="imported key")
        imported = response.keypair
        created.append(imported.keypair_id)
        checks.equal("import_keypair fingerPrint", imported.finger_print,
                     md5_fingerprint(public_key))
        checks.check("import_keypair returns no privateKey", not imported.private_key,
                     repr(imported.private_key))
        checks.equal("import_keypair description", imported.description, "imported key")

        # list: pages of one, inclusive marker, name filter
        page = client.list_keypairs(max_keys=1)
        checks.equal("list_keypairs(max_keys=1) returns one", len(page.keypairs), 1)
        checks.check("list_keypairs(max_keys=1) is truncated", page.is_truncated is True,
                     repr(page.is_truncated))
        checks.check("list_keypairs nextMarker when truncated", bool(page.next_marker),
                     repr(page.next_marker))
        second = client.list_keypairs(max_keys=1, marker=page.next_marker)
        checks.equal("list_keypairs marker is inclusive",
                     second.keypairs[0].keypair_id if second.keypairs else None,
                     page.next_marker)
        named = client.list_keypairs(name=name("one"))
        checks.equal("list_keypairs(name=...) finds exactly the key pair",
                     [k.keypair_id for k in named.keypairs], [first_id])
        checks.check("list_keypairs last page has no nextMarker", named.next_marker is None,
                     repr(named.next_marker))

        # get
        got = client.get_keypair(first_id).keypair
        checks.equal("get_keypair name", got.name, name("one"))
        checks.equal("get_keypair publicKey", got.public_key, keypair.public_key)
        checks.check("get_keypair has no privateKey", not got.private_key, repr(got.private_key))

        # attach / detach
        if len(instances) >= 2:
            client.attach_keypair(first_id, instances[:2])
            checks.equal("attach_keypair: instanceCount 2",
                         client.get_keypair(first_id).keypair.instance_count, 2)
            checks.error("delete_keypair of a bound key pair",
                         lambda: client.delete_keypair(first_id),
                         403, "Keypair.DeleteKeypairInUse")
            checks.error("attach_keypair to an already bound instance",
                         lambda: client.attach_keypair(first_id, instances[:1]),
                         400, "Keypair.AttachAttachedKeypair")
            client.detach_keypair(first_id, instances[:1])
            checks.equal("detach_keypair: instanceCount 1",
                         client.get_keypair(first_id).keypair.instance_count, 1)
            client.detach_keypair(keypair_id=first_id, instance_ids=instances[1:2])
            checks.equal("detach_keypair (keywords): instanceCount 0",
                         client.get_keypair(first_id).keypair.instance_count, 0)
            checks.error("attach_keypair to an unknown instance",
                         lambda: client.attach_keypair(first_id, ["i-" + run_id + "none"]),
                         404, "Keypair.InstanceNotExist")
        else:
            checks.check("attach/detach need two seeded instances (--instances)", False,
                         "got %r" % instances)

        # rename, update description, clear description
        client.rename_keypair(first_id, name("renamed"))
        checks.equal("rename_keypair", client.get_keypair(first_id).keypair.name, name("renamed"))
        client.update_keypair_desc(first_id, "new description")
        checks.equal("update_keypair_desc",
                     client.get_keypair(first_id).keypair.description, "new description")
        client.update_keypair_desc(keypair_id=first_id, keypair_desc="")
        checks.equal("update_keypair_desc('') clears",
                     client.get_keypair(first_id).keypair.description, "")

        # delete
        client.delete_keypair(first_id)
        created.remove(first_id)
        checks.error("get_keypair after delete_keypair", lambda: client.get_keypair(first_id),
                     404, "Keypair.KeypairNotExist")

        # error paths
        checks.error("get_keypair of an unknown id",
                     lambda: client.get_keypair("k-" + run_id + "zz"),
                     404, "Keypair.KeypairNotExist")
        checks.error("create_keypair with an invalid name",
                     lambda: client.create_keypair(keypair_name="1-starts-with-digit"),
                     400, "Keypair.KeypairNameInvalid")
        checks.error("rename_keypair with an invalid name",
                     lambda: client.rename_keypair(imported.keypair_id, "has space"),
                     400, "Keypair.KeypairNameInvalid")
        checks.error("import_keypair of the same public key again",
                     lambda: client.import_keypair(keypair_name=name("again"),
                                                   public_key=public_key),
                     400, "Keypair.KeypairPublicKeyExist")
        checks.error("import_keypair of a malformed public key",
                     lambda: client.import_keypair(keypair_name=name("bad"),
                                                   public_key="ssh-rsa AAAA"),
                     400, "Keypair.PublicKeyFormatInvalid")
        wrong = make_client(args.endpoint, args.access_key, "0" * 32)
        checks.error("a wrong secret key", lambda: wrong.list_keypairs(),
                     400, "SignatureDoesNotMatch")
        stranger = make_client(args.endpoint, "f" * 32, args.secret_key)
        checks.error("an unknown access key", lambda: stranger.list_keypairs(),
                     403, "InvalidAccessKeyId")
    except Exception as error:  # noqa: BLE001 - report and count, then clean up
        checks.fail("unexpected exception", error)
        traceback.print_exc()
    finally:
        for keypair_id in created:
            try:
                client.delete_keypair(keypair_id)
            except Exception as error:  # noqa: BLE001
                checks.fail("clean-up delete_keypair(%s)" % keypair_id, error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:8480")
    parser.add_argument("--access-key", default=os.environ.get("BCE_ACCESS_KEY_ID"))
    parser.add_argument("--secret-key", default=os.environ.get("BCE_SECRET_ACCESS_KEY"))
    parser.add_argument("--instances", default="",
                        help="comma-separated ids of two running Linux instances")
    args = parser.parse_args()
    if not args.access_key or not args.secret_key:
        parser.error("--access-key and --secret-key (or BCE_ACCESS_KEY_ID and "
                     "BCE_SECRET_ACCESS_KEY) are required")
    checks = Checks()
    run(args, checks)
    print("%d passed, %d failed" % (checks.passed, checks.failed), flush=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
