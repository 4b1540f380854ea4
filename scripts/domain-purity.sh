#!/usr/bin/env bash
# The domain crate must not depend on a web framework or a database: for each
# banned crate, `cargo tree -i` must say it is absent from the domain's graph.
set -euo pipefail
# `cargo tree -p bukuma-domain` resolves the domain's default features only:
# the optional `diesel` feature that the db crate turns on is not counted,
# while diesel made a plain dependency of the domain would be.
for dep in diesel actix-web utoipa tokio reqwest; do
  if out=$(cargo tree -p bukuma-domain -e normal -i "$dep" 2>&1); then
    echo "error: bukuma-domain depends on $dep:"; echo "$out"; exit 1
  fi
  if ! grep -q "did not match any packages" <<<"$out"; then
    echo "error: could not check bukuma-domain for $dep:"; echo "$out"; exit 1
  fi
done
# The same command finds diesel under the db crate, so the check can fail.
cargo tree -p bukuma-db -e normal -i diesel >/dev/null
echo "bukuma-domain depends on none of diesel, actix-web, utoipa, tokio, reqwest"
# The benchmark dataset generator is for the `bukuma seed` subcommand only:
# the api library (everything under crates/api/src but the binary) never uses it.
if used=$(grep -rln "bukuma_seed" crates/api/src --include='*.rs' | grep -v '^crates/api/src/bin/'); then
  echo "error: the api library uses bukuma_seed (only src/bin/bukuma may):"; echo "$used"; exit 1
fi
echo "only the bukuma binary uses bukuma-seed"
