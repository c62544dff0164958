"""Mint a development token: `parkops-token --role park_operator --group g1 --park p1`.

A tenant_user token needs `--tenant`: the services refuse one without it."""

import argparse
import os
from datetime import timedelta

from parkops_runtime.auth import Role, TokenCodec
from parkops_runtime.errors import Unauthorized
from parkops_runtime.settings import DEV_JWT_SECRET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=[r.value for r in Role], required=True)
    parser.add_argument("--group", required=True, help="park group id")
    parser.add_argument("--park", action="append", default=[], help="park id (repeatable)")
    parser.add_argument("--tenant", default=None, help="tenant id, for tenant_user tokens")
    parser.add_argument("--subject", default="dev-user")
    parser.add_argument("--hours", type=float, default=12)
    parser.add_argument("--secret", default=os.environ.get("JWT_SECRET", DEV_JWT_SECRET))
    parser.add_argument("--issuer", default=os.environ.get("JWT_ISSUER", "parkops"))
    parser.add_argument("--audience", default=os.environ.get("JWT_AUDIENCE"))
    args = parser.parse_args()
    codec = TokenCodec(args.secret, args.issuer, args.audience)
    try:
        token = codec.mint(
            args.subject,
            Role(args.role),
            args.group,
            args.park,
            tenant_id=args.tenant,
            ttl=timedelta(hours=args.hours),
        )
    except Unauthorized as exc:
        parser.error(str(exc))
    print(token)


if __name__ == "__main__":
    main()
