/** `templates/configmap.yaml`: the config files, mounted by the Deployment. */
export const configmapYaml = `{{- with .Values.config.files }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "svc.fullname" $ }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "svc.labels" $ | nindent 4 }}
data:
  {{- toYaml . | nindent 2 }}
{{- end }}
`;
