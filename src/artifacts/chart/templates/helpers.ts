/** `templates/_helpers.tpl`: names and labels (the same rules as `names.ts`). */
export const helpersTpl = `{{/* The chart's name: the service's name. */}}
{{- define "svc.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names: the release name, prefixed to the chart name unless it contains it. */}}
{{- define "svc.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "svc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "svc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "svc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "svc.labels" -}}
helm.sh/chart: {{ include "svc.chart" . }}
{{ include "svc.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "svc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "svc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* A probe: exactly one action, then the timings that are set. */}}
{{- define "svc.probe" -}}
{{- if .http }}
httpGet:
  path: {{ .http.path | quote }}
  port: {{ toJson .http.port }}
{{- else if .tcp }}
tcpSocket:
  port: {{ toJson .tcp.port }}
{{- else if .exec }}
exec:
  command: {{ toJson .exec }}
{{- end }}
{{- $probe := . }}
{{- range list "initialDelaySeconds" "periodSeconds" "timeoutSeconds" "successThreshold" "failureThreshold" }}
{{- if hasKey $probe . }}
{{ . }}: {{ get $probe . }}
{{- end }}
{{- end }}
{{- end }}
`;
