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

{{/* The token settings: identity provider, optional HS256 secret, development mode. */}}
{{- define "parkops-service.tokenEnv" -}}
{{- $prefix := .Values.envPrefix -}}
{{- $jwt := .Values.jwt -}}
{{- if not (or $jwt.jwksUrl .Values.jwtSecret.existingSecret .Values.devMode) -}}
{{- fail "set jwt.jwksUrl (identity provider) or jwtSecret.existingSecret; devMode=true only for development" -}}
{{- end -}}
- name: {{ printf "%sDEV_MODE" $prefix }}
  value: {{ .Values.devMode | toString | quote }}
{{- with $jwt.jwksUrl }}
- name: {{ printf "%sJWT_JWKS_URL" $prefix }}
  value: {{ . | quote }}
{{- end }}
{{- with $jwt.issuer }}
- name: {{ printf "%sJWT_ISSUER" $prefix }}
  value: {{ . | quote }}
{{- end }}
{{- with $jwt.audience }}
- name: {{ printf "%sJWT_AUDIENCE" $prefix }}
  value: {{ . | quote }}
{{- end }}
{{- if .Values.jwtSecret.existingSecret }}
- name: {{ printf "%sJWT_SECRET" $prefix }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.jwtSecret.existingSecret }}
      key: {{ .Values.jwtSecret.key }}
{{- else if $jwt.jwksUrl }}
{{- /* Identity-provider tokens only: no HS256 with the built-in development secret. */}}
- name: {{ printf "%sJWT_SECRET" $prefix }}
  value: ""
{{- end }}
{{- end }}

{{/* Fail unless the replicas asked for are ones the service answers correctly with. */}}
{{- define "parkops-service.checkReplicas" -}}
{{- $safe := int .Values.maxSafeReplicas -}}
{{- $asked := int .Values.replicaCount -}}
{{- if .Values.autoscaling.enabled }}{{ $asked = int .Values.autoscaling.maxReplicas }}{{ end -}}
{{- if and (gt $safe 0) (gt $asked $safe) -}}
{{- fail (printf "%s answers correctly with at most %d replica(s) (maxSafeReplicas); %d asked" (include "parkops-service.name" .) $safe $asked) -}}
{{- end -}}
{{- end }}
