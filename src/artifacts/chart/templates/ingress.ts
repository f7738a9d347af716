/** `templates/ingress.yaml`: one host, its paths routed to the service by port name. */
export const ingressYaml = `{{- if .Values.ingress.enabled }}
{{- $fullname := include "svc.fullname" . }}
{{- $firstPort := (first .Values.ports).name }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- with .Values.ingress.tlsSecret }}
  tls:
    - hosts:
        - {{ $.Values.ingress.host | quote }}
      secretName: {{ . | quote }}
  {{- end }}
  rules:
    - host: {{ .Values.ingress.host | quote }}
      http:
        paths:
          {{- range .Values.ingress.paths }}
          - path: {{ .path | quote }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ $fullname }}
                port:
                  name: {{ .port | default $firstPort | quote }}
          {{- end }}
{{- end }}
`;
