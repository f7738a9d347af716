/** `templates/service.yaml`: one port per container port, targeted by name. */
export const serviceYaml = `{{- if .Values.ports }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "svc.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "svc.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .Values.ports }}
    - name: {{ .name | quote }}
      port: {{ .servicePort | default .containerPort }}
      targetPort: {{ .name | quote }}
      protocol: {{ .protocol | default "TCP" }}
    {{- end }}
{{- end }}
`;
