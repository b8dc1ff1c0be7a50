#!/bin/sh
# azd postdeploy hook: waits until the Functions host has created the blobs_extension key, then deploys the Event
# Grid subscription (infra/eventgrid-subscription.bicep) whose webhook URL carries that key. azd passes the
# provisioning outputs as environment variables. The key is read inside the ARM deployment and never printed here.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd up / azd deploy), which sets the provisioning outputs}"
: "${AZURE_FUNCTION_APP_NAME:?missing provisioning output AZURE_FUNCTION_APP_NAME}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?missing provisioning output AZURE_STORAGE_ACCOUNT_NAME}"
: "${EVENTGRID_SYSTEM_TOPIC_NAME:?missing provisioning output EVENTGRID_SYSTEM_TOPIC_NAME}"

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) deploys the Event Grid subscription; install it and run 'az login', then 'azd deploy'." >&2
  exit 1
fi

subscription="${AZURE_SUBSCRIPTION_ID:-}"
set -- --resource-group "$AZURE_RESOURCE_GROUP"
if [ -n "$subscription" ]; then set -- "$@" --subscription "$subscription"; fi

attempts="${POSTDEPLOY_KEY_ATTEMPTS:-30}"
delay="${POSTDEPLOY_KEY_DELAY_SECONDS:-10}"
i=1
# Lists key names only (never values); the key appears once the host has indexed the EventGrid blob trigger.
until az functionapp keys list "$@" --name "$AZURE_FUNCTION_APP_NAME" \
  --query 'keys(systemKeys || `{}`)' --output tsv 2>/dev/null | grep -qx 'blobs_extension'; do
  if [ "$i" -ge "$attempts" ]; then
    echo "postdeploy: no blobs_extension key on $AZURE_FUNCTION_APP_NAME after $attempts tries; is processMediaBlob deployed with source EventGrid? Re-run 'azd deploy'." >&2
    exit 1
  fi
  echo "postdeploy: waiting for the blob trigger's webhook key ($i/$attempts)"
  i=$((i + 1))
  sleep "$delay"
done

infra="$(cd "$(dirname "$0")/.." && pwd)"
echo "postdeploy: deploying the Event Grid subscription for ${MEDIA_INPUT_CONTAINER:-media-in}"
az deployment group create "$@" \
  --name media-eventgrid-subscription \
  --template-file "$infra/eventgrid-subscription.bicep" \
  --parameters \
    functionAppName="$AZURE_FUNCTION_APP_NAME" \
    systemTopicName="$EVENTGRID_SYSTEM_TOPIC_NAME" \
    storageAccountName="$AZURE_STORAGE_ACCOUNT_NAME" \
    inputContainerName="${MEDIA_INPUT_CONTAINER:-media-in}" \
    deadLetterContainerName="${EVENTGRID_DEADLETTER_CONTAINER:-eventgrid-deadletter}" \
  --output none
echo "postdeploy: Event Grid subscription ready"
