#!/bin/sh
# Example preview provisioner (see PROVISIONER.md): one namespace per branch in the
# cluster of $KUBECONFIG, with a service account whose token is handed back as the
# preview's kubeconfig. Diagnostics go to stderr; only the JSON goes to stdout.
set -eu
ns="$TRUNKLINE_PREVIEW_NAMESPACE"

case "$TRUNKLINE_PREVIEW_ACTION" in
create)
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >&2
  kubectl -n "$ns" create serviceaccount deployer --dry-run=client -o yaml | kubectl apply -f - >&2
  kubectl -n "$ns" create rolebinding deployer --clusterrole=admin --serviceaccount="$ns:deployer" \
    --dry-run=client -o yaml | kubectl apply -f - >&2
  token=$(kubectl -n "$ns" create token deployer --duration=72h)
  server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  ca=$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  kubeconfig=$(cat <<YAML
apiVersion: v1
kind: Config
clusters: [{ name: preview, cluster: { server: "$server", certificate-authority-data: "$ca" } }]
users: [{ name: deployer, user: { token: "$token" } }]
contexts: [{ name: preview, context: { cluster: preview, user: deployer, namespace: "$ns" } }]
current-context: preview
YAML
)
  # JSON-encode the kubeconfig with node (always present where Trunkline runs).
  node -e 'process.stdout.write(JSON.stringify({ kubeconfig: process.argv[1], namespace: process.argv[2] }))' "$kubeconfig" "$ns"
  ;;
delete)
  kubectl delete namespace "$ns" --ignore-not-found >&2
  ;;
*)
  echo "unknown action: $TRUNKLINE_PREVIEW_ACTION" >&2
  exit 2
  ;;
esac
