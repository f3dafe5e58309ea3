/* global SwaggerUIBundle */
// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io for a badge.
window.ui = SwaggerUIBundle({
  url: new URL('/api/openapi.json', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  displayRequestDuration: true,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
