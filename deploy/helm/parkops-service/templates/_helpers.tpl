{{/* Chart name, overridable. */}}
{{- define "parkops-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: the release name (e.g. leasing) unless overridden. */}}
{{- define "parkops-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "parkops-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "parkops-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "parkops-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "parkops-service.labels" -}}
helm.sh/chart: {{ include "parkops-service.chart" . }}
{{ include "parkops-service.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | quote }}
app.kubernetes.io/part-of: parkops
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "parkops-service.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
