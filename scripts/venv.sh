# Sourced by the scripts that drive bukuma with tools from PyPI.
# `python_venv NAME REQUIREMENT...` makes target/NAME a Python venv holding
# the REQUIREMENTs (pip specifiers), unless it holds them already (a stamp
# in it lists what was installed), and sets VENV to its path.
python_venv() {
  local name=$1
  shift
  VENV=target/$name
  local want
  want=$(printf '%s\n' "$@")
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.requirements" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  python3 -m venv "$VENV"
  # `python -m pip` installs into this venv even if target/ was copied from elsewhere.
  timeout 600 "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  printf '%s\n' "$want" >"$VENV/.requirements"
}
