{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "trunkline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "trunkline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "trunkline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "trunkline.labels" -}}
helm.sh/chart: {{ include "trunkline.chart" . }}
app.kubernetes.io/name: {{ include "trunkline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (server, runner): pass (dict "ctx" $ "component" "server"). */}}
{{- define "trunkline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trunkline.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "trunkline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "trunkline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "trunkline.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The server Service's in-cluster URL. */}}
{{- define "trunkline.internalUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "trunkline.fullname" .) .Release.Namespace (int .Values.service.port) }}
{{- end }}

{{/* Base URL for links and clones: the configured one, else the Ingress, else the Service. */}}
{{- define "trunkline.publicUrl" -}}
{{- if .Values.server.publicUrl }}
{{- .Values.server.publicUrl }}
{{- else if .Values.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host }}
{{- else }}
{{- include "trunkline.internalUrl" . }}
{{- end }}
{{- end }}

{{- define "trunkline.secretKeySecretName" -}}
{{- default (printf "%s-secret-key" (include "trunkline.fullname" .)) .Values.server.secretKey.existingSecret }}
{{- end }}

{{- define "trunkline.runnerTokenSecretName" -}}
{{- default (printf "%s-runner-token" (include "trunkline.fullname" .)) .Values.runners.token.existingSecret }}
{{- end }}

{{/* A string map as key=value,key=value (sorted). */}}
{{- define "trunkline.pairs" -}}
{{- $pairs := list -}}
{{- range $key, $value := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The Secret holding the database URL: the user's, or the one the chart makes from database.url. */}}
{{- define "trunkline.databaseSecretName" -}}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "trunkline.fullname" .)) -}}
{{- end -}}

{{/* Whether the server keeps its state in Postgres. */}}
{{- define "trunkline.database" -}}
{{- if or .Values.database.url .Values.database.existingSecret }}true{{ end -}}
{{- end -}}
