"""Mint a development token: `parkops-token --role park_operator --group g1 --park p1`."""

import argparse
import os
from datetime import timedelta

from parkops_runtime.auth import Role, TokenCodec
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
    parser.add_argument("--issuer", default="parkops")
    args = parser.parse_args()
    codec = TokenCodec(args.secret, args.issuer)
    print(
        codec.mint(
            args.subject, Role(args.role), args.group, args.park, args.tenant, timedelta(hours=args.hours)
        )
    )


if __name__ == "__main__":
    main()
