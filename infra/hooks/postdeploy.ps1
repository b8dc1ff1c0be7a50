# azd postdeploy hook (Windows): same steps as postdeploy.sh. Waits for the blobs_extension key, then deploys the
# Event Grid subscription whose webhook URL carries it. The key is read inside the ARM deployment, never here.
$ErrorActionPreference = 'Stop'

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_STORAGE_ACCOUNT_NAME', 'EVENTGRID_SYSTEM_TOPIC_NAME') {
  if (-not [Environment]::GetEnvironmentVariable($name)) { throw "postdeploy: missing $name; run through azd (azd up / azd deploy)." }
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  throw "postdeploy: the Azure CLI (az) deploys the Event Grid subscription; install it and run 'az login', then 'azd deploy'."
}

$common = @('--resource-group', $env:AZURE_RESOURCE_GROUP)
if ($env:AZURE_SUBSCRIPTION_ID) { $common += @('--subscription', $env:AZURE_SUBSCRIPTION_ID) }
$attempts = if ($env:POSTDEPLOY_KEY_ATTEMPTS) { [int]$env:POSTDEPLOY_KEY_ATTEMPTS } else { 30 }
$delay = if ($env:POSTDEPLOY_KEY_DELAY_SECONDS) { [int]$env:POSTDEPLOY_KEY_DELAY_SECONDS } else { 10 }
$inputContainer = if ($env:MEDIA_INPUT_CONTAINER) { $env:MEDIA_INPUT_CONTAINER } else { 'media-in' }
$deadLetter = if ($env:EVENTGRID_DEADLETTER_CONTAINER) { $env:EVENTGRID_DEADLETTER_CONTAINER } else { 'eventgrid-deadletter' }

for ($i = 1; ; $i++) {
  # Key names only, never values.
  $names = az functionapp keys list @common --name $env:AZURE_FUNCTION_APP_NAME --query 'keys(systemKeys || `{}`)' --output tsv 2>$null
  if ($names -contains 'blobs_extension') { break }
  if ($i -ge $attempts) {
    throw "postdeploy: no blobs_extension key on $($env:AZURE_FUNCTION_APP_NAME) after $attempts tries; is processMediaBlob deployed with source EventGrid? Re-run 'azd deploy'."
  }
  Write-Host "postdeploy: waiting for the blob trigger's webhook key ($i/$attempts)"
  Start-Sleep -Seconds $delay
}

Write-Host "postdeploy: deploying the Event Grid subscription for $inputContainer"
az deployment group create @common `
  --name media-eventgrid-subscription `
  --template-file (Join-Path $PSScriptRoot '..' 'eventgrid-subscription.bicep') `
  --parameters functionAppName=$env:AZURE_FUNCTION_APP_NAME systemTopicName=$env:EVENTGRID_SYSTEM_TOPIC_NAME `
    storageAccountName=$env:AZURE_STORAGE_ACCOUNT_NAME inputContainerName=$inputContainer deadLetterContainerName=$deadLetter `
  --output none
if ($LASTEXITCODE -ne 0) { throw 'postdeploy: the Event Grid subscription deployment failed.' }
Write-Host 'postdeploy: Event Grid subscription ready'
