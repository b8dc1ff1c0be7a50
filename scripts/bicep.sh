#!/usr/bin/env bash
# Runs the Bicep CLI, restoring it from NuGet into .tools/ on first use (needs only the dotnet SDK).
# Usage: scripts/bicep.sh <bicep arguments>     e.g. scripts/bicep.sh build infra/main.bicep --stdout
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/.*Azure.Bicep.CommandLine.linux-x64" Version="\[\([0-9.]*\)\]".*/\1/p' "$root/tools/bicep/bicep.csproj")"
packages="$root/.tools/nuget"
bicep="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

if [ ! -x "$bicep" ]; then
  command -v dotnet >/dev/null || { echo "bicep.sh: the dotnet SDK is needed to restore the Bicep CLI" >&2; exit 1; }
  mkdir -p "$root/.tools"
  # Parallel callers (jest workers) wait here instead of restoring the same package twice.
  exec 9>"$root/.tools/bicep-restore.lock"
  flock 9
  if [ ! -x "$bicep" ]; then
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
    # MSBuild's obj/ output goes under .tools/ too, so a restore leaves nothing in the work tree. Its log is shown
    # only on failure, so that callers see nothing but Bicep's own output.
    log="$root/.tools/bicep-restore.log"
    if ! dotnet restore "$root/tools/bicep/bicep.csproj" --packages "$packages" \
      "-p:BaseIntermediateOutputPath=$root/.tools/bicep-obj/" >"$log" 2>&1; then
      cat "$log" >&2
      exit 1
    fi
    chmod u+x "$bicep"
  fi
  exec 9>&-
fi
exec "$bicep" "$@"
