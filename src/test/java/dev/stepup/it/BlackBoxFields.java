package dev.stepup.it;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Sets the fields of type {@link Api} and {@link Users} of a {@link BlackBox} test instance to
 * the shared server, without credentials, and its users.
 */
final class BlackBoxFields implements TestInstancePostProcessor {

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) throws IllegalAccessException {
        Api api = Api.at(DeployedServer.base());
        for (Class<?> type = instance.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    continue;
                }
                if (field.getType() == Api.class) {
                    field.setAccessible(true);
                    field.set(instance, api);
                } else if (field.getType() == Users.class) {
                    field.setAccessible(true);
                    field.set(instance, new Users(api));
                }
            }
        }
    }
}
