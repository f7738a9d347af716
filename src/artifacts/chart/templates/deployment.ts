/** `templates/deployment.yaml`. */
export const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "svc.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "svc.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "svc.labels" . | nindent 8 }}
      {{- $files := .Values.config.files | default dict }}
      {{- if or .Values.podAnnotations $files }}
      annotations:
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- if $files }}
        checksum/config: {{ toJson $files | sha256sum }}
        {{- end }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "svc.serviceAccountName" . }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy | default "IfNotPresent" }}
          {{- with .Values.ports }}
          ports:
            {{- range . }}
            - name: {{ .name | quote }}
              containerPort: {{ .containerPort }}
              protocol: {{ .protocol | default "TCP" }}
            {{- end }}
          {{- end }}
          {{- with .Values.env }}
          env:
            {{- if kindIs "map" . }}
            {{- range $name, $value := . }}
            - name: {{ $name | quote }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- else }}
            {{- range . }}
            - name: {{ .name | quote }}
              value: {{ .value | toString | quote }}
            {{- end }}
            {{- end }}
          {{- end }}
          {{- with .Values.envFrom }}
          envFrom:
            {{- range . }}
            {{- if .secret }}
            - secretRef:
                name: {{ .secret | quote }}
            {{- else }}
            - configMapRef:
                name: {{ .configMap | quote }}
            {{- end }}
            {{- end }}
          {{- end }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.probes }}
          {{- with .liveness }}
          livenessProbe:
            {{- include "svc.probe" . | trim | nindent 12 }}
          {{- end }}
          {{- with .readiness }}
          readinessProbe:
            {{- include "svc.probe" . | trim | nindent 12 }}
          {{- end }}
          {{- with .startup }}
          startupProbe:
            {{- include "svc.probe" . | trim | nindent 12 }}
          {{- end }}
          {{- end }}
          {{- if $files }}
          volumeMounts:
            - name: config
              mountPath: {{ .Values.config.mountPath | default "/etc/config" | quote }}
              readOnly: true
          {{- end }}
      {{- if $files }}
      volumes:
        - name: config
          configMap:
            name: {{ include "svc.fullname" . }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
`;
