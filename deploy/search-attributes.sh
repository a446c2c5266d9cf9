#!/bin/sh
# Registers foidesk's custom search attributes on a Temporal cluster with the
# temporal CLI. `foidesk setup` does the same through the operator service;
# this script is for clusters where the worker has no operator rights.
#   TEMPORAL_ADDRESS=host:7233 TEMPORAL_NAMESPACE=default deploy/search-attributes.sh
set -eu
ns=${TEMPORAL_NAMESPACE:-default}
addr=${TEMPORAL_ADDRESS:-127.0.0.1:7233}
for attr in FoiCampaign:Keyword FoiForce:Keyword FoiState:Keyword FoiCondition:Keyword FoiDueDate:Datetime; do
	name=${attr%%:*}
	type=${attr#*:}
	temporal operator search-attribute create --address "$addr" --namespace "$ns" --name "$name" --type "$type" ||
		echo "search attribute $name: already present or not created (see above)" >&2
done
